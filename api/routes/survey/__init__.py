"""The satisfaction survey: its public pages (a mail link's score and comment, no
login) and the admins' settings per product."""

from fastapi import APIRouter

from api.routes.survey import admin, public

api_router = APIRouter()
api_router.include_router(public.router)
api_router.include_router(admin.router)
