"""Administration: lists of products and users, contact reasons, the work setup, and
user accounts with their accreditations."""

from fastapi import APIRouter

from api.routes.admin import lists, products, reasons, user_pages, users
from api.routes.admin import work as work_setup

api_router = APIRouter()
api_router.include_router(lists.router)
api_router.include_router(products.router)
api_router.include_router(reasons.router)
api_router.include_router(work_setup.api_router)
api_router.include_router(users.router)
api_router.include_router(user_pages.router)
