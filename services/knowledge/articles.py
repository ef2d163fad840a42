"""The knowledge base (IKB): articles per product, versions, search, suggestions for
a contact, "flag it or fix it" reports and usage counts.

Markdown is rendered with markdown-it-py (CommonMark; raw HTML allowed so that
imported HTML articles keep their structure) and then sanitized with nh3: what
reaches a browser is always the sanitized HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, Message, Product, User, utcnow
from db.models.customers import KbArticle, KbArticleVersion, KbFlag, KbVisibility
from services import audit
from services.access import ADMINISTER, Viewer
from services.search import ARTICLE_TSV

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td"}


class KbNotFound(LookupError):
    pass


def render_markdown(body: str) -> str:
    """Markdown -> HTML safe to show (nh3: no scripts, styles or event handlers)."""
    return nh3.clean(
        _markdown.render(body or ""), tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"
    )


def plain_text(body: str) -> str:
    """The article as plain text for a reply: tags dropped, Markdown marks kept readable."""
    cleaned = nh3.clean(_markdown.render(body or ""), tags=set())
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return (
        cleaned.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .strip()
    )


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:190] or "artikel"


def may_edit(viewer: Viewer, article: KbArticle) -> bool:
    return viewer.role in ADMINISTER or article.owner_id == viewer.id


def may_read(viewer: Viewer, article: KbArticle) -> bool:
    return viewer.role in ADMINISTER or viewer.may_see_product(article.product_id)


async def get_article(session: AsyncSession, viewer: Viewer, article_id: int) -> KbArticle:
    article = await session.get(KbArticle, article_id)
    if article is None or not may_read(viewer, article):
        raise KbNotFound(article_id)
    return article


async def list_articles(
    session: AsyncSession, viewer: Viewer, product_id: int | None = None
) -> list[tuple[KbArticle, str, str | None]]:
    """(article, product code, owner name), by product and title."""
    q = (
        select(KbArticle, Product.code, User.full_name)
        .join(Product, Product.id == KbArticle.product_id)
        .join(User, User.id == KbArticle.owner_id, isouter=True)
        .where(KbArticle.active)
        .order_by(Product.code, KbArticle.title)
    )
    if viewer.role not in ADMINISTER:
        q = q.where(KbArticle.product_id.in_(viewer.product_ids or (-1,)))
    if product_id is not None:
        q = q.where(KbArticle.product_id == product_id)
    return [tuple(row) for row in (await session.exec(q)).all()]


@dataclass
class ArticleInput:
    product_id: int
    title: str
    body_md: str
    visibility: str = KbVisibility.internal
    owner_id: int | None = None
    review_on: date | None = None
    slug: str | None = None  # imports: from the file name, so a re-import updates it


async def save_article(
    session: AsyncSession,
    actor: Viewer | None,
    data: ArticleInput,
    article: KbArticle | None = None,
    origin: str | None = None,
) -> KbArticle:
    """Create, or write a new version of, an article (the old text stays in versions)."""
    now = utcnow()
    if article is None:
        slug = data.slug or slugify(data.title)
        taken = (
            await session.exec(
                select(KbArticle.slug).where(
                    KbArticle.product_id == data.product_id, KbArticle.slug.startswith(slug)
                )
            )
        ).all()
        if slug in taken:
            slug = f"{slug}-{len(taken) + 1}"
        article = KbArticle(product_id=data.product_id, slug=slug, title=data.title, version=0)
    article.title = data.title.strip()[:300]
    article.body_md = data.body_md
    article.visibility = KbVisibility(data.visibility)
    article.owner_id = data.owner_id
    article.review_on = data.review_on
    article.version += 1
    article.updated_at = now
    session.add(article)
    await session.flush()
    session.add(
        KbArticleVersion(
            article_id=article.id,
            version=article.version,
            title=article.title,
            body_md=article.body_md,
            author_id=actor.id if actor else None,
            at=now,
        )
    )
    await audit.record(
        session,
        actor=actor.username if actor else "system:kb-import",
        actor_id=actor.id if actor else None,
        action="kb.save",
        object_type="kb_article",
        object_id=article.id,
        origin=origin,
        detail={"version": article.version},
    )
    return article


async def versions(session: AsyncSession, article_id: int) -> list[tuple[KbArticleVersion, str]]:
    rows = await session.exec(
        select(KbArticleVersion, User.full_name)
        .join(User, User.id == KbArticleVersion.author_id, isouter=True)
        .where(KbArticleVersion.article_id == article_id)
        .order_by(KbArticleVersion.version.desc())
    )
    return [tuple(r) for r in rows.all()]


async def record_use(session: AsyncSession, viewer: Viewer, article: KbArticle) -> None:
    await session.execute(
        update(KbArticle)
        .where(KbArticle.id == article.id)
        .values(usage_count=KbArticle.usage_count + 1)
    )
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="kb.use",
        object_type="kb_article",
        object_id=article.id,
    )


@dataclass
class Suggestion:
    id: int
    title: str
    visibility: str
    rank: float


async def suggestions_for_contact(
    session: AsyncSession, contact: Contact, limit: int = 5
) -> list[Suggestion]:
    """Articles of the contact's product whose words best match its text: the subject
    and the customer's messages, reduced to their Dutch stems and OR-ed."""
    texts = (
        await session.exec(
            select(Message.subject, Message.text_body)
            .where(Message.contact_id == contact.id, Message.direction == "in")
            .order_by(Message.created_at)
            .limit(5)
        )
    ).all()
    source = " ".join([contact.subject or ""] + [f"{s} {b[:4000]}" for s, b in texts])
    if not source.strip():
        return []
    rows = await session.execute(
        text(
            f"""
            WITH words AS (
                SELECT string_agg(quote_literal(lexeme), ' | ') AS q
                FROM unnest(to_tsvector('dutch', :source)) AS u(lexeme, positions, weights)
                WHERE length(lexeme) > 2
            -- 'simple': the words are Dutch stems already; stemming them again could
            -- change them.
            ), query AS (SELECT to_tsquery('simple', q) AS tsq FROM words WHERE q IS NOT NULL)
            SELECT a.id, a.title, a.visibility, ts_rank({ARTICLE_TSV}, query.tsq) AS rank
            FROM kb_articles a, query
            WHERE a.product_id = :product AND a.active AND {ARTICLE_TSV} @@ query.tsq
            ORDER BY rank DESC, a.usage_count DESC, a.id
            LIMIT :limit
            """
        ),
        {"source": source[:20000], "product": contact.product_id, "limit": limit},
    )
    return [Suggestion(*row) for row in rows.all()]


# --- flag it or fix it ------------------------------------------------------------------


async def flag(
    session: AsyncSession,
    viewer: Viewer,
    *,
    product_id: int,
    kind: str,
    note: str,
    article: KbArticle | None = None,
    contact_id: int | None = None,
) -> KbFlag:
    """A report lands with the article's owner; without one, with the admins (owner None)."""
    if kind not in ("wrong", "missing"):
        raise ValueError("kind is wrong or missing")
    row = KbFlag(
        product_id=product_id,
        article_id=article.id if article else None,
        kind=kind,
        note=note.strip()[:5000],
        contact_id=contact_id,
        reporter_id=viewer.id,
        owner_id=article.owner_id if article else None,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=f"kb.flag.{kind}",
        object_type="kb_article" if article else "kb_flag",
        object_id=article.id if article else row.id,
    )
    return row


async def open_flags(session: AsyncSession, viewer: Viewer) -> list[dict]:
    """The viewer's knowledge tasks: reports on articles they own; admins also see
    the reports nobody owns (missing articles, articles without owner)."""
    reporter = User.__table__.alias("reporter")
    q = (
        select(KbFlag, KbArticle.title, Product.code, reporter.c.full_name)
        .join(KbArticle, KbArticle.id == KbFlag.article_id, isouter=True)
        .join(Product, Product.id == KbFlag.product_id)
        .join(reporter, reporter.c.id == KbFlag.reporter_id)
        .where(KbFlag.done.is_(False))
        .order_by(KbFlag.created_at)
    )
    if viewer.role in ADMINISTER:
        q = q.where((KbFlag.owner_id == viewer.id) | KbFlag.owner_id.is_(None))
    else:
        q = q.where(KbFlag.owner_id == viewer.id)
    rows = (await session.exec(q)).all()
    return [{"flag": f, "title": t, "product": p, "reporter": r} for f, t, p, r in rows]


async def close_flag(session: AsyncSession, viewer: Viewer, flag_id: int) -> None:
    row = await session.get(KbFlag, flag_id)
    if row is None or not (
        row.owner_id == viewer.id or (row.owner_id is None and viewer.role in ADMINISTER)
    ):
        raise KbNotFound(flag_id)
    row.done = True
    row.done_at = utcnow()
    session.add(row)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="kb.flag.done",
        object_type="kb_flag",
        object_id=flag_id,
    )
