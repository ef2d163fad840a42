"""Customer signals: raised from a contact, listed and worked on the signals page."""

from fastapi import APIRouter

from api.routes.signals import pages

api_router = APIRouter()
api_router.include_router(pages.router)
