"""Migration from Klopt, the old contact system: ``python -m channels.klopt import DIR``.

The export format is in FORMAT.md. It opens contacts (the open ones get their
workflow through services/contacts/opening.py), so it sits in the channels layer."""
