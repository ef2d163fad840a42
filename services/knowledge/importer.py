"""Import an existing knowledge base from a folder of Markdown and HTML files.

    python -m services.knowledge.importer <folder> [--product CODE] [--visibility internal|public]
                                    [--owner USERNAME]

Without ``--product`` every sub-folder named after a product code holds that
product's articles (``kb/BIG/herregistratie.md``). The title is the first ``#``
heading (Markdown) or ``<title>`` / ``<h1>`` (HTML), else the file name. HTML is
kept as HTML inside the Markdown body (sanitized with nh3 on import and again
when shown). Re-running is safe: an article is found by product and file name;
an unchanged one is left alone, a changed one gets a new version.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product, User
from db.models.customers import KbArticle, KbVisibility
from services.knowledge.articles import ALLOWED_TAGS, ArticleInput, save_article, slugify

MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm"}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # with the reason


def read_article(path: Path) -> tuple[str, str]:
    """(title, body) of one file."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in MARKDOWN:
        heading = re.search(r"^#\s+(.+)$", raw, re.M)
        return (heading.group(1).strip() if heading else path.stem.replace("-", " ")), raw
    title = re.search(r"<title[^>]*>(.*?)</title>", raw, re.I | re.S) or re.search(
        r"<h1[^>]*>(.*?)</h1>", raw, re.I | re.S
    )
    body = re.search(r"<body[^>]*>(.*)</body>", raw, re.I | re.S)
    content = nh3.clean(body.group(1) if body else raw, tags=ALLOWED_TAGS)
    name = nh3.clean(title.group(1), tags=set()) if title else path.stem.replace("-", " ")
    return html.unescape(name).strip(), content.strip()


def files_by_product(folder: Path, product_code: str | None) -> list[tuple[str, Path]]:
    wanted = MARKDOWN | HTML
    if product_code:
        return [(product_code, p) for p in sorted(folder.rglob("*")) if p.suffix.lower() in wanted]
    return [
        (sub.name.upper(), p)
        for sub in sorted(folder.iterdir())
        if sub.is_dir()
        for p in sorted(sub.rglob("*"))
        if p.suffix.lower() in wanted
    ]


async def import_folder(
    session: AsyncSession,
    folder: Path,
    product_code: str | None = None,
    visibility: str = KbVisibility.internal,
    owner: str | None = None,
) -> ImportReport:
    report = ImportReport()
    products = {p.code: p for p in (await session.exec(select(Product))).all()}
    owner_id = None
    if owner:
        owner_id = (await session.exec(select(User.id).where(User.username == owner))).first()
    for code, path in files_by_product(folder, product_code):
        product = products.get(code)
        if product is None:
            report.skipped.append(f"{path}: no product {code}")
            continue
        title, body = read_article(path)
        if not body.strip():
            report.skipped.append(f"{path}: empty")
            continue
        slug = slugify(path.stem)
        existing = (
            await session.exec(
                select(KbArticle).where(KbArticle.product_id == product.id, KbArticle.slug == slug)
            )
        ).first()
        if existing is not None and existing.body_md == body and existing.title == title:
            report.unchanged.append(str(path))
            continue
        data = ArticleInput(
            product_id=product.id,
            title=title[:300],
            body_md=body,
            visibility=existing.visibility if existing else visibility,
            owner_id=existing.owner_id if existing else owner_id,
            review_on=existing.review_on if existing else None,
            slug=slug,
        )
        await save_article(session, None, data, existing, origin="kb-import")
        (report.updated if existing else report.created).append(str(path))
    return report


async def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--product", help="product code of every file (else: sub-folders)")
    parser.add_argument("--visibility", default="internal", choices=["internal", "public"])
    parser.add_argument("--owner", help="username owning new articles")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder", file=sys.stderr)
        return 2
    from config.settings import get_settings
    from db.migrate import upgrade
    from db.session import make_engine, make_sessionmaker, session_scope

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:
            report = await import_folder(
                session,
                args.folder,
                args.product and args.product.upper(),
                args.visibility,
                args.owner,
            )
    finally:
        await engine.dispose()
    for label in ("created", "updated", "unchanged", "skipped"):
        items = getattr(report, label)
        print(f"{label}: {len(items)}")
        for item in items if label == "skipped" else ():
            print(f"  {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(_main(sys.argv[1:])))
