"""What every table's importer of one run shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt import ids
from channels.klopt.mapping import Mapping
from config.settings import Settings
from services.customers.identifiers import IdentifierKeys

DRY_RUN_ID = -1  # the id a row would get, in a dry run


@dataclass
class Context:
    settings: Settings
    keys: IdentifierKeys
    mapping: Mapping
    export_dir: Path
    dry_run: bool = False
    # a dry run writes nothing: the old ids it would import, so later tables find them
    dry_new: dict[str, set[str]] = field(default_factory=dict)

    async def resolve(self, s: AsyncSession, table: str, old_ids: set[str]) -> dict[str, int]:
        """old id -> PULSE id of rows of ``table`` imported before (or in this dry run)."""
        found = await ids.new_ids(s, table, old_ids)
        for old in self.dry_new.get(table, set()) & (old_ids - found.keys()):
            found[old] = DRY_RUN_ID
        return found
