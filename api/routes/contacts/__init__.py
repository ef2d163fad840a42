"""One contact and the inbox: the task inbox, the contact's JSON API and its page,
and downloads of attachments and raw messages."""

from fastapi import APIRouter

from api.routes.contacts import attachments, inbox, json_api, mail_checks, pages

api_router = APIRouter()
for _part in (inbox, json_api, pages, mail_checks, attachments):
    api_router.include_router(_part.router)
