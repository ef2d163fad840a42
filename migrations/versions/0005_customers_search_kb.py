"""customers area: kinds, identifiers, history, merges, CSAT, knowledge base, reason
tree, search indexes (pg_trgm trigram + Dutch full text)

Revision ID: cust001
Revises: 0004
Create Date: 2026-11-28 13:40:00

The article index expression must stay identical to the one services/search.py and
services/knowledge/articles.py query with (ARTICLE_TSV). Message text is searched in the
``message_search`` projection, kept by the triggers below. When the server lacks
pg_trgm the trigram indexes are skipped and search falls back to ILIKE
(services.search.has_trigram).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cust001"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ARTICLE_TSV = "to_tsvector('dutch'::regconfig, title || ' ' || body_md)"


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.add_column(
        "customers",
        sa.Column("kind", sa.String(length=20), nullable=False, server_default="person"),
    )
    op.add_column("customers", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.add_column("customers", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.create_foreign_key(None, "customers", "customers", ["merged_into_id"], ["id"])
    op.add_column("contact_reasons", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_foreign_key(None, "contact_reasons", "contact_reasons", ["parent_id"], ["id"])

    op.create_table(
        "customer_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("lookup_hash", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("masked", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "lookup_hash", name="uq_customer_identifier"),
    )
    op.create_index("ix_customer_identifiers_customer_id", "customer_identifiers", ["customer_id"])
    op.create_table(
        "customer_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("old", sa.String(length=500), nullable=True),
        sa.Column("new", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customer_changes_customer_id", "customer_changes", ["customer_id"])
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("moved", sa.dialects.postgresql.JSONB(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["merged_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survivor_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["undone_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customer_merges_survivor_id", "customer_merges", ["survivor_id"])
    op.create_index("ix_customer_merges_merged_id", "customer_merges", ["merged_id"])
    op.create_table(
        "satisfaction_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_satisfaction_contact_at", "satisfaction_scores", ["contact_id", "at"])
    _knowledge_tables()
    _search_indexes()


def _knowledge_tables() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body_md", sa.Text(), server_default="", nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "slug"),
    )
    op.create_index("ix_kb_articles_product_id", "kb_articles", ["product_id"])
    op.create_index("ix_kb_articles_owner_id", "kb_articles", ["owner_id"])
    op.create_table(
        "kb_article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version"),
    )
    op.create_table(
        "kb_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_flags_product_id", "kb_flags", ["product_id"])
    op.create_index("ix_kb_flags_owner_id", "kb_flags", ["owner_id"])


def _search_indexes() -> None:
    bind = op.get_bind()
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if available:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_customers_name_trgm ON customers USING gin (display_name gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_customer_emails_address_trgm ON customer_emails "
            "USING gin (address gin_trgm_ops)"
        )
    _message_search()
    op.execute(f"CREATE INDEX ix_kb_articles_fts ON kb_articles USING gin ({ARTICLE_TSV})")
    op.execute(
        "CREATE INDEX ix_customers_name_words ON customers "
        "USING gin (to_tsvector('simple'::regconfig, display_name))"
    )


MESSAGE_SEARCH_TRIGGERS = """
CREATE FUNCTION pulse_message_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_search (message_id, contact_id, product_id, tsv)
  SELECT NEW.id, NEW.contact_id, c.product_id,
         to_tsvector('dutch'::regconfig, left(NEW.subject || ' ' || NEW.text_body, 100000))
  FROM contacts c WHERE c.id = NEW.contact_id
  ON CONFLICT (message_id) DO UPDATE SET contact_id = EXCLUDED.contact_id,
    product_id = EXCLUDED.product_id, tsv = EXCLUDED.tsv;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_search AFTER INSERT OR UPDATE OF subject, text_body, contact_id
  ON messages FOR EACH ROW EXECUTE FUNCTION pulse_message_search();
CREATE FUNCTION pulse_message_search_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE message_search SET product_id = NEW.product_id WHERE contact_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_search_product AFTER UPDATE OF product_id ON contacts
  FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id)
  EXECUTE FUNCTION pulse_message_search_product();
"""


def _message_search() -> None:
    op.create_table(
        "message_search",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("tsv", sa.dialects.postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_message_search_contact_id", "message_search", ["contact_id"])
    op.create_index("ix_message_search_product", "message_search", ["product_id", "message_id"])
    op.execute(
        "INSERT INTO message_search (message_id, contact_id, product_id, tsv) "
        "SELECT m.id, m.contact_id, c.product_id, to_tsvector('dutch'::regconfig, "
        "left(m.subject || ' ' || m.text_body, 100000)) "
        "FROM messages m JOIN contacts c ON c.id = m.contact_id"
    )
    op.create_index("ix_message_search_tsv", "message_search", ["tsv"], postgresql_using="gin")
    op.execute(MESSAGE_SEARCH_TRIGGERS)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS contacts_search_product ON contacts")
    op.execute("DROP TRIGGER IF EXISTS messages_search ON messages")
    op.execute("DROP FUNCTION IF EXISTS pulse_message_search_product()")
    op.execute("DROP FUNCTION IF EXISTS pulse_message_search()")
    op.drop_table("message_search")
    op.execute("DROP INDEX IF EXISTS ix_customers_name_trgm")
    op.execute("DROP INDEX IF EXISTS ix_customers_name_words")
    op.execute("DROP INDEX IF EXISTS ix_customer_emails_address_trgm")
    for table in (
        "kb_flags",
        "kb_article_versions",
        "kb_articles",
        "satisfaction_scores",
        "customer_merges",
        "customer_changes",
        "customer_identifiers",
    ):
        op.drop_table(table)
    op.drop_column("contact_reasons", "parent_id")
    for column in ("updated_at", "merged_into_id", "kind"):
        op.drop_column("customers", column)
