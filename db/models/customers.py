"""Tables of the customers area (see db/models.py): identifiers, edit history,
merges, satisfaction scores and the knowledge base (IKB).

The core ``customers``, ``customer_emails`` and ``customer_phones`` tables live in
db.models.contacts; search indexes (trigram, Dutch full text) are created by the
migration ``cust001`` (expression indexes: see that file).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlmodel import Field, SQLModel

from db.models.contacts import ts


class CustomerKind(StrEnum):
    person = "person"
    organisation = "organisation"


class IdentifierKind(StrEnum):
    bsn = "bsn"  # citizen service number: secret, stored encrypted
    big = "big"  # BIG-nummer (healthcare professional)
    uzi = "uzi"  # UZI-nummer (card holder)
    kvk = "kvk"  # KvK-nummer (Chamber of Commerce)


class CustomerIdentifier(SQLModel, table=True):
    """An identifier of a customer. Found by exact match through ``lookup_hash`` (a
    keyed HMAC of kind + value), so a BSN is never compared or indexed in clear.
    ``value`` is empty for secret kinds (BSN): their value is only in ``sealed``
    (AES-GCM, nonce + ciphertext) and is shown as ``masked``."""

    __tablename__ = "customer_identifiers"
    __table_args__ = (UniqueConstraint("kind", "lookup_hash", name="uq_customer_identifier"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)
    lookup_hash: str = Field(max_length=64)
    value: str = Field(default="", max_length=50)
    sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    masked: str = Field(max_length=50)
    created_at: datetime = ts(nullable=False, server_default=text("now()"))


class CustomerChange(SQLModel, table=True):
    """Edit history of a customer: who changed what, when (secrets only masked)."""

    __tablename__ = "customer_changes"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    at: datetime = ts(nullable=False, server_default=text("now()"))
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=50)  # e.g. "name", "email.add", "identifier.remove"
    old: str | None = Field(default=None, max_length=500)
    new: str | None = Field(default=None, max_length=500)


class CustomerMerge(SQLModel, table=True):
    """A merge of ``merged_id`` into ``survivor_id``: what moved, so it can be undone."""

    __tablename__ = "customer_merges"
    id: int | None = Field(default=None, primary_key=True)
    survivor_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    merged_id: int = Field(foreign_key="customers.id", index=True, ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = ts(nullable=False, server_default=text("now()"))
    moved: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    undone_at: datetime | None = ts()
    undone_by: int | None = Field(default=None, foreign_key="users.id")


class SatisfactionScore(SQLModel, table=True):
    """A customer satisfaction (CSAT) answer about one contact, 1 (bad) .. 5 (good).
    Written by the survey channel; the klantbeeld shows the customer's latest."""

    __tablename__ = "satisfaction_scores"
    __table_args__ = (Index("ix_satisfaction_contact_at", "contact_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE")
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    at: datetime = ts(nullable=False, server_default=text("now()"))
    # What the answer is about, fixed when it is given (the reports cut by these).
    product_id: int | None = Field(default=None, foreign_key="products.id")
    channel: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    reason_id: int | None = Field(
        default=None, foreign_key="contact_reasons.id", ondelete="SET NULL"
    )
    agent_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # The invitation it answers: unique, so a link or a keypad answers once.
    invitation_id: int | None = Field(
        default=None, foreign_key="survey_invitations.id", unique=True, ondelete="SET NULL"
    )
    via: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})


# --- knowledge base (IKB) -------------------------------------------------------------


class KbVisibility(StrEnum):
    internal = "internal"
    public = "public"


class KbArticle(SQLModel, table=True):
    """The current version of a knowledge-base article; older ones in KbArticleVersion."""

    __tablename__ = "kb_articles"
    __table_args__ = (UniqueConstraint("product_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=200)
    title: str = Field(max_length=300)
    body_md: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    visibility: str = Field(
        default=KbVisibility.internal, sa_column=Column(String(10), nullable=False)
    )
    owner_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    review_on: date | None = Field(default=None, sa_column=Column(Date))
    version: int = 1
    usage_count: int = 0
    active: bool = True
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    updated_at: datetime = ts(nullable=False, server_default=text("now()"))


class KbArticleVersion(SQLModel, table=True):
    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_articles.id", ondelete="CASCADE")
    version: int
    title: str = Field(max_length=300)
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    author_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = ts(nullable=False, server_default=text("now()"))


class KbFlag(SQLModel, table=True):
    """ "Flag it or fix it": an agent reports an article as wrong, or one as missing.
    It lands in the task list of the article's owner (or of the admins)."""

    __tablename__ = "kb_flags"
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    article_id: int | None = Field(default=None, foreign_key="kb_articles.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)  # wrong / missing
    note: str = Field(sa_column=Column(Text, nullable=False))
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", ondelete="SET NULL")
    reporter_id: int = Field(foreign_key="users.id")
    owner_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    done: bool = False
    created_at: datetime = ts(nullable=False, server_default=text("now()"))
    done_at: datetime | None = ts()


# --- message search projection -------------------------------------------------------


class MessageSearch(SQLModel, table=True):
    """Full-text search projection of messages: one narrow row per message, written
    by database triggers (migration cust001) on every insert or text change, so that
    "newest matching messages of my products" can walk ``message_id`` backwards with
    a cheap per-row check when a word is common, or use the GIN index when it is rare
    (the planner picks by the tsvector statistics). Dutch configuration."""

    __tablename__ = "message_search"
    __table_args__ = (
        Index("ix_message_search_tsv", "tsv", postgresql_using="gin"),
        Index("ix_message_search_product", "product_id", "message_id"),
    )
    message_id: int = Field(primary_key=True, foreign_key="messages.id", ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    product_id: int
    tsv: str = Field(sa_column=Column(TSVECTOR, nullable=False))


# --- search indexes on core tables (created by migration cust001) --------------------
# Declared here so that the schema test sees them; the expressions must stay the
# ones services/search.py and services/knowledge/articles.py query with.

ARTICLE_TSV_SQL = "to_tsvector('dutch'::regconfig, title || ' ' || body_md)"


def _search_indexes() -> None:
    from db.models.contacts import Customer, CustomerEmail

    Index(
        "ix_customers_name_trgm",
        Customer.__table__.c.display_name,
        postgresql_using="gin",
        postgresql_ops={"display_name": "gin_trgm_ops"},
    )
    Index(
        "ix_customer_emails_address_trgm",
        CustomerEmail.__table__.c.address,
        postgresql_using="gin",
        postgresql_ops={"address": "gin_trgm_ops"},
    )
    # As SQLAlchemy reflects them back from PostgreSQL, so that autogenerate compares equal.
    Index(
        "ix_customers_name_words",
        text("to_tsvector('simple'::regconfig, display_name::text)"),
        postgresql_using="gin",
        _table=Customer.__table__,
    )
    Index(
        "ix_kb_articles_fts",
        text("to_tsvector('dutch'::regconfig, (title::text || ' '::text) || body_md)"),
        postgresql_using="gin",
        _table=KbArticle.__table__,
    )


_search_indexes()
