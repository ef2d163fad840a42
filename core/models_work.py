"""Tables of the work area (see core/schema.py)."""
