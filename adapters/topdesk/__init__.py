"""TOPdesk's REST API (``/tas/api``): incidents, their progress trail, lookups."""
