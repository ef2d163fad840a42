"""The phone channel for agents and supervisors: phone state, screen pop, wrap-up and
call back, the wallboard."""

from fastapi import APIRouter

from api.routes.phone import agent

api_router = APIRouter()
api_router.include_router(agent.router)
