"""UI string catalogs per feature area, merged into ui.i18n (NL and EN dicts)."""
