"""Knowledge base (IKB): articles, editing with preview, suggestions on a contact,
flag-it-or-fix-it reports and the owners' task list.

Who: everyone who reads contacts reads the articles of their products; admins
(who manage the knowledge base) all of them. Agents, trafficers and admins write
articles; an existing one only its owner or an admin. Public articles are also
readable without login at /kb/public/{id} (for links in replies).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel import select

from api.deps import (
    ContactReader,
    ContactWorker,
    DbSession,
    KbReader,
    KbWriter,
    SettingsDep,
    client_ip,
)
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Product, User
from db.models.customers import KbArticle, KbVisibility
from services.access import (
    ADMINISTER,
    KB_WRITE,
    NotAccessible,
    Viewer,
    get_contact_for_user,
)
from services.knowledge import articles as kb
from services.knowledge import changes
from services.search import articles as search_articles

router = APIRouter(tags=["knowledge"])


async def _article(session, viewer: Viewer, article_id: IntId) -> KbArticle:
    try:
        return await kb.get_article(session, viewer, article_id)
    except kb.KbNotFound:
        raise NotAccessible(f"kb article {article_id}") from None


def _editable(viewer: Viewer, article: KbArticle) -> None:
    if not kb.may_edit(viewer, article):
        raise HTTPException(status_code=403, detail="Only the owner or an admin edits this.")


async def _products_for(session, viewer: Viewer) -> list[Product]:
    q = select(Product).where(Product.active).order_by(Product.code)
    if viewer.role not in ADMINISTER:
        q = q.where(Product.id.in_(viewer.product_ids or (-1,)))
    return list((await session.exec(q)).all())


async def _owners(session) -> list[User]:
    q = select(User).where(User.is_active).order_by(User.full_name)
    return list((await session.exec(q)).all())


def public_url(settings, article_id: IntId) -> str:
    return f"{settings.public_url.rstrip('/')}/kb/public/{article_id}"


# --- pages --------------------------------------------------------------------------------


@router.get("/kb", include_in_schema=False)
async def kb_index(request: Request, viewer: KbReader, session: DbSession, q: str = ""):
    q = q.strip()[:200]
    found = None
    if q:
        products = None if viewer.role in ADMINISTER else (list(viewer.product_ids) or [-1])
        found = await search_articles(session, q, products, 50)
    rows = [] if q else await kb.list_articles(session, viewer)
    return render(
        request,
        "knowledge/index.html",
        viewer,
        rows=rows,
        found=found,
        q=q,
        today=date.today(),
        can_write=viewer.role in KB_WRITE,
    )


async def _edit_page(request, viewer, session, article: KbArticle | None, error=None, status=200):
    return render(
        request,
        "knowledge/edit.html",
        viewer,
        status_code=status,
        article=article,
        error=error,
        products=await _products_for(session, viewer),
        owners=await _owners(session),
        visibilities=[v.value for v in KbVisibility],
    )


@router.get("/kb/new", include_in_schema=False)
async def kb_new(request: Request, viewer: KbWriter, session: DbSession):
    return await _edit_page(request, viewer, session, None)


def _input(product_id, title, body, visibility, owner_id, review_on) -> kb.ArticleInput:
    return kb.ArticleInput(
        product_id=product_id,
        title=title,
        body_md=body,
        visibility=visibility,
        owner_id=owner_id or None,
        review_on=date.fromisoformat(review_on) if review_on else None,
    )


@router.post("/kb", include_in_schema=False)
async def kb_create(
    request: Request,
    viewer: KbWriter,
    session: DbSession,
    product_id: Annotated[IntId, Form()],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    body: Annotated[str, Form(max_length=200_000)],
    visibility: Annotated[KbVisibility, Form()] = KbVisibility.internal,
    owner_id: Annotated[int | None, Form()] = None,
    review_on: Annotated[str, Form(max_length=10)] = "",
):
    if viewer.role not in ADMINISTER and not viewer.may_see_product(product_id):
        raise NotAccessible(f"product {product_id}")
    owner = owner_id or viewer.id
    try:
        data = _input(product_id, title, body, visibility, owner, review_on)
    except ValueError as exc:
        return await _edit_page(request, viewer, session, None, str(exc), 422)
    article = await changes.save(session, viewer, data, origin=client_ip(request))
    return RedirectResponse(f"/kb/{article.id}", status_code=303)


@router.get("/kb/tasks", include_in_schema=False)
async def kb_tasks(request: Request, viewer: KbReader, session: DbSession):
    return render(
        request, "knowledge/tasks.html", viewer, flags=await kb.open_flags(session, viewer)
    )


@router.post("/kb/tasks/{flag_id}/done", include_in_schema=False)
async def kb_task_done(flag_id: IntId, viewer: KbReader, session: DbSession):
    try:
        await changes.close_report(session, viewer, flag_id)
    except kb.KbNotFound:
        raise NotAccessible(f"kb flag {flag_id}") from None
    return RedirectResponse("/kb/tasks", status_code=303)


@router.post("/kb/flags", include_in_schema=False)
async def kb_flag_missing(
    viewer: ContactWorker,
    session: DbSession,
    product_id: Annotated[IntId, Form()],
    note: Annotated[str, Form(min_length=1, max_length=5000)],
    contact: Annotated[str, Form(max_length=32)] = "",
):
    """An article that should exist but does not: to the admins' task list."""
    if not viewer.may_see_product(product_id):
        raise NotAccessible(f"product {product_id}")
    contact_id = (await get_contact_for_user(session, viewer, contact)).id if contact else None
    await changes.report(
        session, viewer, product_id=product_id, kind="missing", note=note, contact_id=contact_id
    )
    target = f"/contacts/{contact}?done=kb_flag" if contact else "/kb?flagged=1"
    return RedirectResponse(target, status_code=303)


@router.get("/kb/public/{article_id}", include_in_schema=False)
async def kb_public(article_id: IntId, request: Request, session: DbSession):
    """A public article, for the link in a reply: no login, internal ones do not exist."""
    article = await session.get(KbArticle, article_id)
    if article is None or article.visibility != KbVisibility.public or not article.active:
        raise HTTPException(status_code=404)
    return render(
        request,
        "knowledge/public.html",
        None,
        article=article,
        html=kb.render_markdown(article.body_md),
    )


@router.get("/kb/{article_id}", include_in_schema=False)
async def kb_show(article_id: IntId, request: Request, viewer: KbReader, session: DbSession):
    article = await _article(session, viewer, article_id)
    product = await session.get(Product, article.product_id)
    owner = await session.get(User, article.owner_id) if article.owner_id else None
    return render(
        request,
        "knowledge/article.html",
        viewer,
        article=article,
        product=product,
        owner=owner,
        html=kb.render_markdown(article.body_md),
        versions=await kb.versions(session, article.id),
        can_edit=kb.may_edit(viewer, article),
        today=date.today(),
        flagged=request.query_params.get("flagged") == "1",
    )


@router.get("/kb/{article_id}/edit", include_in_schema=False)
async def kb_edit(article_id: IntId, request: Request, viewer: KbWriter, session: DbSession):
    article = await _article(session, viewer, article_id)
    _editable(viewer, article)
    return await _edit_page(request, viewer, session, article)


@router.post("/kb/{article_id}", include_in_schema=False)
async def kb_update(
    article_id: IntId,
    request: Request,
    viewer: KbWriter,
    session: DbSession,
    title: Annotated[str, Form(min_length=1, max_length=300)],
    body: Annotated[str, Form(max_length=200_000)],
    visibility: Annotated[KbVisibility, Form()] = KbVisibility.internal,
    owner_id: Annotated[int | None, Form()] = None,
    review_on: Annotated[str, Form(max_length=10)] = "",
):
    article = await _article(session, viewer, article_id)
    _editable(viewer, article)
    try:
        data = _input(article.product_id, title, body, visibility, owner_id, review_on)
    except ValueError as exc:
        return await _edit_page(request, viewer, session, article, str(exc), 422)
    await changes.save(session, viewer, data, article, client_ip(request))
    return RedirectResponse(f"/kb/{article.id}", status_code=303)


@router.post("/kb/{article_id}/flag", include_in_schema=False)
async def kb_flag_wrong(
    article_id: IntId,
    viewer: ContactWorker,
    session: DbSession,
    note: Annotated[str, Form(min_length=1, max_length=5000)],
    contact: Annotated[str, Form(max_length=32)] = "",
):
    article = await _article(session, viewer, article_id)
    contact_id = (await get_contact_for_user(session, viewer, contact)).id if contact else None
    await changes.report(
        session,
        viewer,
        product_id=article.product_id,
        kind="wrong",
        note=note,
        article=article,
        contact_id=contact_id,
    )
    return RedirectResponse(f"/kb/{article_id}?flagged=1", status_code=303)


@router.get("/contacts/{reference}/kb", include_in_schema=False)
async def contact_suggestions(
    reference: str,
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    settings: SettingsDep,
):
    """Suggested articles for a contact (a fragment the contact page loads)."""
    contact = await get_contact_for_user(session, viewer, reference)
    found = await kb.suggestions_for_contact(session, contact)
    return render(
        request,
        "contacts/_kb_list.html",
        viewer,
        suggestions=found,
        contact=contact,
        public_base=public_url(settings, 0)[:-1],
    )


# --- JSON ----------------------------------------------------------------------------------


class PreviewIn(BaseModel):
    body: str = Field(max_length=200_000)


@router.post("/api/kb/preview")
async def api_preview(body: PreviewIn, viewer: KbWriter):
    return {"html": kb.render_markdown(body.body)}


@router.get("/api/kb/articles/{article_id}")
async def api_article(
    article_id: IntId, viewer: KbReader, session: DbSession, settings: SettingsDep
):
    article = await _article(session, viewer, article_id)
    public = article.visibility == KbVisibility.public
    return {
        "id": article.id,
        "title": article.title,
        "product_id": article.product_id,
        "visibility": article.visibility,
        "version": article.version,
        "usage_count": article.usage_count,
        "body_md": article.body_md,
        "text": kb.plain_text(article.body_md),
        "html": kb.render_markdown(article.body_md),
        "public_url": public_url(settings, article.id) if public else None,
    }


@router.post("/api/kb/articles/{article_id}/used")
async def api_used(article_id: IntId, viewer: ContactWorker, session: DbSession):
    """Counted when an agent inserts the article (or its link) into a reply."""
    article = await _article(session, viewer, article_id)
    return {"id": article_id, "usage_count": await changes.record_use(session, viewer, article)}


@router.get("/api/contacts/{reference}/kb")
async def api_suggestions(reference: str, viewer: ContactReader, session: DbSession):
    contact = await get_contact_for_user(session, viewer, reference)
    found = await kb.suggestions_for_contact(session, contact)
    return [{"id": s.id, "title": s.title, "visibility": s.visibility} for s in found]
