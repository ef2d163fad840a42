"""A survey link's pages, in Dutch (/enquete/<token>) and English (/survey/<token>):
opening a link records its score and offers a comment; a used, expired or tampered
link gets a page that says so (never an error page). No login, no cookie, no
JavaScript; the token in the address is the only authority."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from api.deps import DbSession
from api.rendering import render
from services.survey import answers
from services.survey.mail import SURVEY_PATHS
from services.survey.tokens import LinkRefused
from ui.i18n import translator

router = APIRouter(tags=["public survey"], include_in_schema=False)
REFUSAL_STATUS = {"tampered": 400, "expired": 410, "used": 409}


def _page(request: Request, language: str, token: str, template: str, status=200, **kw):
    # No language switch: opening the other language's link would be a second use.
    return render(
        request,
        f"survey/{template}",
        status_code=status,
        lang=language,
        t=translator(language),
        action=f"{SURVEY_PATHS[language]}/{token}",
        **kw,
    )


def _refused(request: Request, language: str, token: str, why: str):
    return _page(request, language, token, "refused.html", REFUSAL_STATUS[why], why=why)


async def _open(request: Request, session, language: str, token: str):
    settings = request.app.state.settings
    try:
        answered = await answers.answer_by_link(session, settings, token)
    except LinkRefused as refused:
        await session.rollback()
        return _refused(request, language, token, refused.why)
    await session.commit()
    if answered.outcome == "used":
        return _refused(request, language, token, "used")
    return _page(
        request,
        language,
        token,
        "thanks.html",
        score=answered.score,
        max_chars=settings.survey_comment_max_chars,
    )


async def _comment(request: Request, session, language: str, token: str, comment: str):
    settings = request.app.state.settings
    if len(comment) > settings.survey_comment_max_chars:
        return _page(
            request,
            language,
            token,
            "thanks.html",
            422,
            score=None,
            comment=comment,
            error="survey.comment_too_long",
            max_chars=settings.survey_comment_max_chars,
        )
    try:
        done = await answers.add_comment(session, settings, token, comment)
    except LinkRefused as refused:
        await session.rollback()
        return _refused(request, language, token, refused.why)
    await session.commit()
    if done.outcome == "used":
        return _refused(request, language, token, "used")
    return _page(request, language, token, "done.html", commented=done.outcome == "commented")


Comment = Annotated[str, Form(max_length=100_000)]


@router.get("/enquete/{token}")
async def open_nl(request: Request, token: str, session: DbSession):
    return await _open(request, session, "nl", token)


@router.get("/survey/{token}")
async def open_en(request: Request, token: str, session: DbSession):
    return await _open(request, session, "en", token)


@router.post("/enquete/{token}")
async def comment_nl(request: Request, token: str, session: DbSession, comment: Comment = ""):
    return await _comment(request, session, "nl", token, comment)


@router.post("/survey/{token}")
async def comment_en(request: Request, token: str, session: DbSession, comment: Comment = ""):
    return await _comment(request, session, "en", token, comment)
