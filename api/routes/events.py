"""GET /events: the Server-Sent Events stream of live inbox and contact changes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.deps import ContactReader, session_still_valid
from api.sse import EventHub, event_stream
from db.events import LiveEvent
from services.access import Viewer

router = APIRouter(tags=["events"])


def live_stream(
    request: Request, viewer: Viewer, accepts: Callable[[LiveEvent], bool] | None = None
) -> StreamingResponse:
    """One browser's SSE stream of the viewer's products (narrowed by ``accepts``);
    it ends when the viewer's session does."""
    hub: EventHub = request.app.state.event_hub
    settings = request.app.state.settings
    maker = request.app.state.sessionmaker
    subscription = hub.subscribe(viewer.product_ids, accepts)

    async def still_allowed() -> bool:
        # A logout or timeout elsewhere ends the stream too (checked at heartbeats,
        # read-only so an open page does not keep the session alive for ever).
        async with maker() as session:
            return await session_still_valid(session, settings, viewer.token_hash)

    async def body():
        try:
            async for chunk in event_stream(subscription, still_allowed):
                yield chunk
        finally:
            hub.unsubscribe(subscription)

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/events", response_class=StreamingResponse)
async def events(request: Request, viewer: ContactReader) -> StreamingResponse:
    """Events (kind ``task``, ``contact``, ``message``, ``resync``) of the viewer's
    accredited products only. Payloads carry ids; the page re-fetches what changed."""
    return live_stream(request, viewer)
