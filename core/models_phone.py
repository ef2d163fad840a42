"""Tables of the phone area (see core/schema.py)."""
