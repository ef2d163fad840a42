"""The public web form per product: its settings, the rules a submission must pass
(fields, identifiers, attachments by content), abuse limits and proof of work, and
the JSON intake of form builders."""
