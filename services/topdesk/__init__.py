"""TOPdesk incidents from contacts: the agent's request, the incident's state on
the contact, each product's defaults, the webhook, and the admins' notices."""
