"""The WHERE fragments the contact-based reports share (alias ``c`` for contacts)."""

CONTACT_FILTER = """
  c.product_id = ANY(:products)
  AND (CAST(:channel AS text) IS NULL OR c.channel = CAST(:channel AS text))
  AND (CAST(:line AS int) IS NULL OR c.line = CAST(:line AS int))
"""
