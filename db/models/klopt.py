"""Tables of the migration from Klopt (channels/klopt/): which PULSE row each row of
the old system became, and the hash of what it was imported from."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel


class KloptId(SQLModel, table=True):
    """One imported row: ``(table, old_id)`` of the export -> the PULSE id it became.

    ``row_hash`` (SHA-256 of the row as exported) tells an unchanged row from a changed
    one on the next run; ``pending_start`` marks an open contact whose workflow was not
    started yet (the next run starts it: an interrupted run resumes)."""

    __tablename__ = "klopt_ids"
    __table_args__ = (
        Index(
            "ix_klopt_ids_pending_start",
            "table",
            postgresql_where=text("pending_start"),
        ),
    )
    table: str = Field(primary_key=True, max_length=20)
    old_id: str = Field(primary_key=True, max_length=100)
    new_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    row_hash: str = Field(max_length=64)
    pending_start: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
