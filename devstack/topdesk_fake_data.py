"""What the TOPdesk fake knows: processing statuses, categories with their
subcategories, operator groups, one registered person (for ``callerLookup``) and
the operator who writes actions."""

STATUSES = [
    {"id": "st-registered", "name": "Registered"},
    {"id": "st-in-progress", "name": "In progress"},
    {"id": "st-waiting", "name": "Waiting for user"},
    {"id": "st-completed", "name": "Completed"},
    {"id": "st-closed", "name": "Closed"},
]
CATEGORIES = [
    {"id": "cat-hardware", "name": "Hardware"},
    {"id": "cat-access", "name": "Access and identity"},
]
SUBCATEGORIES = [
    {"id": "sub-card-reader", "name": "Card reader", "category": CATEGORIES[0]},
    {"id": "sub-uzi-pass", "name": "UZI pass", "category": CATEGORIES[1]},
    {"id": "sub-account", "name": "Account", "category": CATEGORIES[1]},
]
OPERATOR_GROUPS = [
    {"id": "og-servicedesk", "groupName": "Servicedesk"},
    {"id": "og-uzi", "groupName": "UZI register"},
]
PERSONS = [
    {
        "id": "person-jan",
        "dynamicName": "Jan Jansen",
        "email": "jan@example.nl",
        "firstName": "Jan",
        "surName": "Jansen",
    },
]
OPERATOR = {"id": "op-1", "name": "Operator, Olga"}
