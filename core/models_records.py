"""Tables of the records area (see core/schema.py)."""
