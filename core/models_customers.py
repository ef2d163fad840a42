"""Tables of the customers area (see core/schema.py)."""
