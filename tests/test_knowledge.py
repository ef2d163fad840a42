"""Knowledge base: rendering and sanitizing, versions, accreditation, suggestions for
a contact, flag it or fix it, usage counts, import; and the contact-reason admin."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest_asyncio
from sqlalchemy import update
from sqlmodel import select

from db.models.contacts import ContactReason, Message, Product
from db.models.customers import KbArticle, KbArticleVersion
from db.session import session_scope
from services.knowledge.articles import plain_text, render_markdown
from services.knowledge.importer import import_folder
from tests.api_support import client_for, login, make_contact, running_app, seeded

HTML = {"Accept": "text/html"}


@asynccontextmanager
async def logged_in(app, db, username: str):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers["X-CSRF-Token"] = csrf
        yield client


def test_markdown_is_rendered_and_sanitized():
    html = render_markdown(
        "# Titel\n\n**vet** [link](https://example.test)\n\n<script>alert(1)</script>"
        '<img src=x onerror="alert(2)">\n\n[x](javascript:alert(3))'
    )
    assert "<h1>Titel</h1>" in html and "<strong>vet</strong>" in html
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert plain_text("# Titel\n\nTekst met **nadruk** & meer.") == (
        "Titel\nTekst met nadruk & meer."
    )


async def _article_id(db, title: str) -> int:
    async with db() as s:
        return (await s.exec(select(KbArticle.id).where(KbArticle.title == title))).one()


@pytest_asyncio.fixture
async def app_world(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app:
        yield app, db


async def test_articles_follow_accreditation_and_admin_sees_all(app_world):
    app, db = app_world
    uzi_article = await _article_id(db, "UZI-pas kwijt of gestolen")
    async with logged_in(app, db, "agent2") as agent2:  # BIG only
        assert (await agent2.get(f"/kb/{uzi_article}", headers=HTML)).status_code == 404
        assert (await agent2.get(f"/api/kb/articles/{uzi_article}")).status_code == 404
        listing = await agent2.get("/kb", headers=HTML)
        assert "Herregistratie BIG-register" in listing.text and "UZI-pas" not in listing.text
        found = await agent2.get("/kb", params={"q": "pas gestolen"}, headers=HTML)
        assert "UZI-pas kwijt" not in found.text
        assert (await agent2.get("/api/search", params={"q": "gestolen"})).json()["articles"] == []
    async with logged_in(app, db, "agent") as agent:
        found = (await agent.get("/api/search", params={"q": "pas gestolen"})).json()
        assert [a["id"] for a in found["articles"]] == [uzi_article]
    async with logged_in(app, db, "admin") as admin:
        page = await admin.get(f"/kb/{uzi_article}", headers=HTML)
        assert page.status_code == 200 and "<h1>Pas kwijt</h1>" in page.text
        found = (await admin.get("/api/search", params={"q": "gestolen"})).json()
        assert found["articles"] and found["customers"] == [] and found["messages"] == []


async def test_editing_keeps_versions_and_only_owner_or_admin_edits(app_world):
    app, db = app_world
    async with logged_in(app, db, "agent") as agent:
        created = await agent.post(
            "/kb",
            headers=HTML,
            data={
                "product_id": "1",
                "title": "Nieuw artikel",
                "body": "Eerste tekst",
                "visibility": "internal",
                "review_on": "2027-01-31",
            },
        )
        assert created.status_code == 303
        article_id = int(created.headers["location"].rsplit("/", 1)[1])
        saved = await agent.post(
            f"/kb/{article_id}",
            headers=HTML,
            data={"title": "Nieuw artikel", "body": "Tweede **tekst**", "visibility": "public"},
        )
        assert saved.status_code == 303
        preview = await agent.post("/api/kb/preview", json={"body": "*a*<script>x</script>"})
        assert preview.json() == {"html": "<p><em>a</em></p>\n"}
    async with logged_in(app, db, "agent2") as agent2:  # accredited for BIG, not the owner
        assert (await agent2.get(f"/kb/{article_id}/edit", headers=HTML)).status_code == 403
        public = await agent2.get(f"/kb/{article_id}", headers=HTML)
        assert "<strong>tekst</strong>" in public.text
    async with client_for(app) as anonymous:  # public: readable by link without login
        page = await anonymous.get(f"/kb/public/{article_id}", headers=HTML)
        assert page.status_code == 200 and "<strong>tekst</strong>" in page.text
        internal = await _article_id(db, "Status van een aanvraag opvragen")
        assert (await anonymous.get(f"/kb/public/{internal}", headers=HTML)).status_code == 404
    async with db() as s:
        versions = (
            await s.exec(
                select(KbArticleVersion.version, KbArticleVersion.body_md)
                .where(KbArticleVersion.article_id == article_id)
                .order_by(KbArticleVersion.version)
            )
        ).all()
        assert versions == [(1, "Eerste tekst"), (2, "Tweede **tekst**")]


async def test_suggestions_insert_usage_and_flag_to_owner(app_world):
    app, db = app_world
    sample = await make_contact(db, "UZI", 7)
    async with session_scope(db) as s:
        await s.execute(
            update(Message)
            .where(Message.id == sample.message_id)
            .values(subject="Pas gestolen", text_body="Mijn UZI-pas is gisteren gestolen.")
        )
    lost = await _article_id(db, "UZI-pas kwijt of gestolen")
    async with logged_in(app, db, "agent") as agent:
        suggested = (await agent.get(f"/api/contacts/{sample.reference}/kb")).json()
        assert suggested[0]["id"] == lost
        big_article = await _article_id(db, "Herregistratie BIG-register")
        assert big_article not in [a["id"] for a in suggested]  # other product
        fragment = await agent.get(f"/contacts/{sample.reference}/kb", headers=HTML)
        assert f'data-kb-insert="{lost}"' in fragment.text
        article = (await agent.get(f"/api/kb/articles/{lost}")).json()
        assert article["text"].startswith("Pas kwijt") and article["public_url"].endswith(
            f"/kb/public/{lost}"
        )
        assert (await agent.post(f"/api/kb/articles/{lost}/used")).json()["usage_count"] == 1
        await agent.post(f"/api/kb/articles/{lost}/used")
        flagged = await agent.post(
            f"/kb/{lost}/flag",
            data={"note": "Blokkeren gaat nu online", "contact": sample.reference},
            headers=HTML,
        )
        assert flagged.status_code == 303
        missing = await agent.post(
            "/kb/flags",
            headers=HTML,
            data={
                "product_id": str(sample.product_id),
                "note": "Niets over pas verlengen",
                "contact": sample.reference,
            },
        )
        assert missing.status_code == 303
        mine = await agent.get("/kb/tasks", headers=HTML)
        assert "Blokkeren gaat nu online" not in mine.text  # agent owns no article
    async with db() as s:
        assert (await s.get(KbArticle, lost)).usage_count == 2
    async with logged_in(app, db, "backoffice") as owner:  # demo articles' owner
        tasks = await owner.get("/kb/tasks", headers=HTML)
        assert "Blokkeren gaat nu online" in tasks.text
        assert "Niets over pas verlengen" not in tasks.text
    async with logged_in(app, db, "admin") as admin:  # missing articles: the admins
        tasks = await admin.get("/kb/tasks", headers=HTML)
        assert "Niets over pas verlengen" in tasks.text
        assert (await admin.post("/kb/tasks/2/done", headers=HTML)).status_code == 303
        assert "Niets over pas verlengen" not in (await admin.get("/kb/tasks")).text


async def test_import_from_a_folder(db, tmp_path):
    await seeded(db)
    (tmp_path / "BIG").mkdir()
    (tmp_path / "UZI").mkdir()
    (tmp_path / "NOPE").mkdir()
    (tmp_path / "BIG" / "bezwaar-maken.md").write_text("# Bezwaar maken\n\nBinnen zes weken.")
    (tmp_path / "UZI" / "pas-verlengen.html").write_text(
        "<html><head><title>Pas verlengen</title><script>x()</script></head>"
        "<body><h1>Pas verlengen</h1><p onclick='x()'>Vijf jaar geldig.</p></body></html>"
    )
    (tmp_path / "NOPE" / "x.md").write_text("# X\n\ny")
    async with session_scope(db) as s:
        report = await import_folder(s, tmp_path, visibility="public", owner="agent")
    assert len(report.created) == 2 and len(report.skipped) == 1
    async with session_scope(db) as s:
        again = await import_folder(s, tmp_path)
    assert len(again.unchanged) == 2 and not again.created
    (tmp_path / "BIG" / "bezwaar-maken.md").write_text("# Bezwaar maken\n\nBinnen zes weken!")
    async with session_scope(db) as s:
        changed = await import_folder(s, tmp_path)
    assert len(changed.updated) == 1
    async with db() as s:
        html_article = (
            await s.exec(select(KbArticle).where(KbArticle.title == "Pas verlengen"))
        ).one()
        assert "onclick" not in html_article.body_md and "<script" not in html_article.body_md
        assert "Vijf jaar geldig." in render_markdown(html_article.body_md)
        big = (await s.exec(select(KbArticle).where(KbArticle.title == "Bezwaar maken"))).one()
        assert big.version == 2 and big.visibility == "public"


async def test_contact_reasons_admin_tree(app_world):
    app, db = app_world
    async with db() as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        parent = (
            await s.exec(
                select(ContactReason).where(
                    ContactReason.product_id == big.id, ContactReason.code == "informatie"
                )
            )
        ).one()
    async with logged_in(app, db, "admin") as admin:
        created = await admin.post(
            "/api/admin/reasons",
            json={
                "product_id": big.id,
                "code": "herregistratie",
                "label_nl": "Herregistratie",
                "label_en": "Re-registration",
                "parent_id": parent.id,
            },
        )
        assert created.status_code == 201, created.text
        dup = await admin.post(
            "/api/admin/reasons",
            json={"product_id": big.id, "code": "herregistratie", "label_nl": "x", "label_en": "x"},
        )
        assert dup.status_code == 409
        tree = (await admin.get("/api/admin/reasons", params={"product_id": big.id})).json()
        at = [r["code"] for r in tree].index("informatie")
        assert tree[at + 1]["code"] == "herregistratie" and tree[at + 1]["depth"] == 1
        off = await admin.post(
            f"/admin/reasons/{created.json()['id']}",
            headers=HTML,
            data={
                "label_nl": "Herregistratie",
                "label_en": "Re-registration",
                "parent_id": str(parent.id),
            },
        )
        assert off.status_code == 303
        page = await admin.get(f"/admin/reasons?product={big.id}", headers=HTML)
        assert page.status_code == 200 and "herregistratie" in page.text
    async with db() as s:
        reason = await s.get(ContactReason, created.json()["id"])
        assert reason.active is False and reason.parent_id == parent.id
