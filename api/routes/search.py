"""The one search box (top bar, key ``/``): a results page and its JSON."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query, Request

from api.deps import CurrentViewer, DbSession, SettingsDep, client_ip
from api.rendering import render
from services.customers.service import record_read
from services.search import MIN_LENGTH, REFERENCE_RE, masked_query, search

router = APIRouter(tags=["search"])


async def _search(request: Request, viewer, session, settings, q: str):
    results = await search(session, settings, viewer, q)
    if len(q.strip()) >= MIN_LENGTH:
        detail = {
            "query": masked_query(q.strip()[:200]),
            "customers": len(results.customers),
            "contacts": len(results.contacts),
            "messages": len(results.messages),
        }
        await record_read(session, viewer, "search", "search", None, client_ip(request), detail)
    return results


@router.get("/search", include_in_schema=False)
async def search_page(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    settings: SettingsDep,
    q: str = Query("", max_length=200),
    link: str = Query("", max_length=32),
):
    """``link``: a contact reference; customers in the results get a "link" button."""
    results = await _search(request, viewer, session, settings, q)
    if not REFERENCE_RE.match(link):
        link = ""  # only a contact reference may become part of a form's action
    return render(
        request,
        "contacts/search.html",
        viewer,
        r=results,
        link=link,
        too_short=0 < len(q.strip()) < 2,
    )


@router.get("/api/search")
async def api_search(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    settings: SettingsDep,
    q: str = Query(..., max_length=200),
):
    return asdict(await _search(request, viewer, session, settings, q))
