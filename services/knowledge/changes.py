"""What a person changes in the knowledge base, each change committed with its audit
line: writing an article, counting its use in a reply, reporting a wrong or missing
article, and closing a report. (services/knowledge/articles.py holds the rules; the
importer and the demo seed use them inside their own transactions.)"""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.customers import KbArticle
from services.access import Viewer
from services.knowledge import articles as kb


async def save(
    session: AsyncSession,
    viewer: Viewer,
    data: kb.ArticleInput,
    article: KbArticle | None = None,
    origin: str | None = None,
) -> KbArticle:
    """Create an article, or a new version of one."""
    saved = await kb.save_article(session, viewer, data, article, origin)
    await session.commit()
    return saved


async def record_use(session: AsyncSession, viewer: Viewer, article: KbArticle) -> int:
    """Count one use of the article in a reply; its new usage count."""
    await kb.record_use(session, viewer, article)
    await session.commit()
    await session.refresh(article)
    return article.usage_count


async def report(session: AsyncSession, viewer: Viewer, **flag: Any) -> None:
    """A wrong or missing article, to its owner's (or the admins') task list."""
    await kb.flag(session, viewer, **flag)
    await session.commit()


async def close_report(session: AsyncSession, viewer: Viewer, flag_id: int) -> None:
    """Raises KbNotFound for a report the viewer may not close."""
    await kb.close_flag(session, viewer, flag_id)
    await session.commit()
