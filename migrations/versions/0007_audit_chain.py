"""records: tamper-evident audit log (hash chain, append-only)

Revision ID: rec001
Revises: phone001
Create Date: 2026-11-28 13:30:00

Each audit row gets a sequence number in the chain, the hash of the previous row
and its own hash, set by a BEFORE INSERT trigger under a transaction advisory lock
(so concurrent writers form one chain). UPDATE and DELETE are refused by trigger.
The canonical text hashed here is repeated in services/audit.py (CANONICAL_SQL), which
recomputes every hash in Python to verify the chain.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rec001"
down_revision: str | Sequence[str] | None = "phone001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHAIN_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_chain_insert() RETURNS trigger AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(727602);
  SELECT chain_seq, row_hash INTO last_seq, last_hash
    FROM audit_events ORDER BY chain_seq DESC NULLS LAST LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.row_hash := encode(sha256(convert_to(
    NEW.prev_hash || '|' || NEW.chain_seq::text || '|' ||
    to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
    coalesce(NEW.actor_id::text, '') || '|' || NEW.actor || '|' || NEW.action || '|' ||
    NEW.object_type || '|' || coalesce(NEW.object_id, '') || '|' || NEW.result || '|' ||
    coalesce(NEW.origin, '') || '|' || NEW.detail::text, 'UTF8')), 'hex');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

REFUSE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("row_hash", sa.String(length=64), nullable=True))
    op.create_unique_constraint("audit_events_chain_seq_key", "audit_events", ["chain_seq"])
    op.execute(CHAIN_FUNCTION)
    op.execute(REFUSE_FUNCTION)
    # Rows written before this migration are chained in id order once, now.
    op.execute(
        """
        DO $$
        DECLARE r record; prev text := repeat('0', 64); n bigint := 0; h text;
        BEGIN
          FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
            n := n + 1;
            h := encode(sha256(convert_to(
              prev || '|' || n::text || '|' ||
              to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
              coalesce(r.actor_id::text, '') || '|' || r.actor || '|' || r.action || '|' ||
              r.object_type || '|' || coalesce(r.object_id, '') || '|' || r.result || '|' ||
              coalesce(r.origin, '') || '|' || r.detail::text, 'UTF8')), 'hex');
            UPDATE audit_events SET chain_seq = n, prev_hash = prev, row_hash = h
              WHERE id = r.id;
            prev := h;
          END LOOP;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER audit_chain BEFORE INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain_insert()"
    )
    op.execute(
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit_events")
    op.execute("DROP TRIGGER IF EXISTS audit_chain ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")
    op.execute("DROP FUNCTION IF EXISTS audit_chain_insert()")
    op.drop_constraint("audit_events_chain_seq_key", "audit_events")
    op.drop_column("audit_events", "row_hash")
    op.drop_column("audit_events", "prev_hash")
    op.drop_column("audit_events", "chain_seq")
