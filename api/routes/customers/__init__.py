"""Customers and knowledge: the klantbeeld (customer view and editing), customer
identity and merging, and the knowledge base."""

from fastapi import APIRouter

from api.routes.customers import edits, identity, json_api, klantbeeld, knowledge

api_router = APIRouter()
for _module in (klantbeeld, edits, json_api, identity, knowledge):
    api_router.include_router(_module.router)
