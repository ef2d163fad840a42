"""Public pages and endpoints (no login): the web form per product, its JSON intake
for form builders, and the admins' and trafficers' pages about them."""

from fastapi import APIRouter

from api.routes.public import admin, form, intake

api_router = APIRouter()
api_router.include_router(form.router)
api_router.include_router(intake.router)
api_router.include_router(admin.router)
