"""Products and their phone lines, as an admin creates and edits them (every change
validated and audited; the readers pick changes up without a restart)."""
