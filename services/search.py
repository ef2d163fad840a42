"""One search box: contacts by reference, customers by name / email / phone /
identifier, message text, knowledge-base articles.

- reference: exact (``KCC-2026-000123``), case-insensitive;
- identifiers: the keyed hash of every kind the text is valid for (a BSN is never
  compared in clear); phone numbers: E.164, exact;
- names and addresses: trigram matching (pg_trgm; GIN indexes from migration
  cust001): ``ILIKE '%q%'`` or word similarity, best first; without pg_trgm the
  same ILIKE runs without an index (slow, but honest) -- see ``has_trigram``;
- message text and articles: PostgreSQL full text, ``dutch`` configuration, on the
  projection ``message_search`` (kept by triggers) and ``ix_kb_articles_fts``.

Results are filtered by the searcher: contacts and messages of accredited products
only; customers for roles that read contacts; articles of accredited products
(admins, who manage the knowledge base, see all articles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from services.access import ADMINISTER, READ_CONTACTS, Viewer, visible_customer_ids
from services.customers.identifiers import identifier_keys, lookup_hashes_for_query
from services.customers.phones import normalize_phone

REFERENCE_RE = re.compile(r"^\s*(KCC-\d{4}-\d{6,7})\s*$", re.I)
# What the migration indexed: keep identical to cust001 / db.models.customers.
NAME_TSV = "to_tsvector('simple'::regconfig, c.display_name)"
ARTICLE_TSV = "to_tsvector('dutch'::regconfig, a.title || ' ' || a.body_md)"
LIMIT = 20
MIN_LENGTH = 2

_trigram: bool | None = None


async def has_trigram(session: AsyncSession) -> bool:
    """Whether pg_trgm is installed (checked once per process)."""
    global _trigram
    if _trigram is None:
        row = await session.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
        _trigram = row.first() is not None
    return _trigram


@dataclass
class CustomerHit:
    id: int
    display_name: str
    kind: str
    matched: str  # name / email / phone / identifier


@dataclass
class ContactHit:
    reference: str
    subject: str
    status: str
    channel: str
    product_code: str
    customer_id: int | None
    created_at: datetime


@dataclass
class MessageHit:
    reference: str
    subject: str
    snippet: str
    product_code: str
    created_at: datetime


@dataclass
class ArticleHit:
    id: int
    title: str
    product_code: str
    visibility: str


@dataclass
class SearchResults:
    query: str
    customers: list[CustomerHit] = field(default_factory=list)
    contacts: list[ContactHit] = field(default_factory=list)
    messages: list[MessageHit] = field(default_factory=list)
    articles: list[ArticleHit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.customers or self.contacts or self.messages or self.articles)


def masked_query(query: str) -> str:
    """The query as the audit log keeps it: long digit runs (a BSN?) masked."""
    return re.sub(r"\d[\d .-]{6,}\d", lambda m: "*" * (len(m.group()) - 3) + m.group()[-3:], query)


def _has_words(query: str) -> bool:
    return sum(ch.isalpha() for ch in query) >= 2


async def search(
    session: AsyncSession, settings: Settings, viewer: Viewer, query: str, limit: int = LIMIT
) -> SearchResults:
    query = query.strip()[:200]
    results = SearchResults(query)
    if len(query) < MIN_LENGTH:
        return results
    products = list(viewer.product_ids) or [-1]
    if viewer.role in READ_CONTACTS:
        reference = REFERENCE_RE.match(query)
        if reference:
            results.contacts = await contacts_by_reference(
                session, reference.group(1).upper(), products
            )
            return results  # a reference is unambiguous: nothing else to look for
        found = await customers(session, settings, query, limit)
        visible = await visible_customer_ids(session, viewer, [hit.id for hit in found])
        results.customers = [hit for hit in found if hit.id in visible]  # need-to-know
        if _has_words(query):
            results.messages = await messages(session, query, products, limit)
    if _has_words(query) and viewer.role in READ_CONTACTS | ADMINISTER:
        everything = viewer.role in ADMINISTER
        results.articles = await articles(session, query, None if everything else products, 10)
    return results


async def contacts_by_reference(
    session: AsyncSession, reference: str, products: list[int]
) -> list[ContactHit]:
    rows = await session.execute(
        text(
            """
            SELECT c.reference, c.subject, c.status, c.channel, p.code, c.customer_id,
                   c.created_at
            FROM contacts c JOIN products p ON p.id = c.product_id
            WHERE c.reference = :ref AND c.product_id = ANY(:products)
            """
        ),
        {"ref": reference, "products": products},
    )
    return [ContactHit(*row) for row in rows.all()]


async def customers(
    session: AsyncSession, settings: Settings, query: str, limit: int
) -> list[CustomerHit]:
    hits: dict[int, CustomerHit] = {}

    def add(rows, matched: str) -> None:
        for id_, name, kind in rows:
            hits.setdefault(id_, CustomerHit(id_, name, kind, matched))

    hashes = lookup_hashes_for_query(identifier_keys(settings), query)
    if hashes:
        pairs = ", ".join(f"(:k{n}, :h{n})" for n in range(len(hashes)))
        params = {f"k{n}": k for n, (k, _) in enumerate(hashes)}
        params.update({f"h{n}": h for n, (_, h) in enumerate(hashes)})
        rows = await session.execute(
            text(
                f"""
                SELECT c.id, c.display_name, c.kind FROM customer_identifiers i
                JOIN customers c ON c.id = i.customer_id
                WHERE (i.kind, i.lookup_hash) IN ({pairs})
                """
            ),
            params,
        )
        add(rows.all(), "identifier")
    digits = sum(ch.isdigit() for ch in query)
    phone = normalize_phone(query) if digits >= 6 and not _has_words(query) else None
    if phone:
        rows = await session.execute(
            text(
                """
                SELECT c.id, c.display_name, c.kind FROM customer_phones ph
                JOIN customers c ON c.id = ph.customer_id
                WHERE ph.number = :number AND c.merged_into_id IS NULL
                ORDER BY c.id LIMIT :limit
                """
            ),
            {"number": phone, "limit": limit},
        )
        add(rows.all(), "phone")
    if "@" in query:
        add(await _emails(session, query, limit), "email")
    elif EMAIL_START_RE.fullmatch(query.strip()):
        add(await _email_start(session, query.strip(), limit), "email")
    if _has_words(query) and "@" not in query:
        add(await _names(session, query, limit), "name")
    return list(hits.values())[:limit]


# The start of an address without its domain ("jan.jansen", "f_el-amrani"): a dot,
# underscore, plus or dash between word characters, as names seldom have.
EMAIL_START_RE = re.compile(r"\w+(?:[._+-]\w+)+[._+-]?")


async def _email_start(session: AsyncSession, query: str, limit: int):
    """Addresses that begin with what was typed (left-anchored: the trigram index
    serves it without scanning every address)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await session.execute(
        text(
            """
            SELECT c.id, c.display_name, c.kind FROM customer_emails e
            JOIN customers c ON c.id = e.customer_id
            WHERE e.address ILIKE :like AND c.merged_into_id IS NULL
            ORDER BY length(e.address), e.id LIMIT :limit
            """
        ),
        {"like": f"{escaped}%", "limit": limit},
    )
    return rows.all()


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def _emails(session: AsyncSession, query: str, limit: int):
    """An exact address first (unique index); only without one, part of an address
    (trigram index: slow-ish when every trigram is common, so not by default)."""
    exact = await session.execute(
        text(
            """
            SELECT c.id, c.display_name, c.kind FROM customer_emails e
            JOIN customers c ON c.id = e.customer_id
            WHERE e.address = lower(:q) AND c.merged_into_id IS NULL
            """
        ),
        {"q": query.strip()},
    )
    found = exact.all()
    if found or "@" not in query:
        return found
    rows = await session.execute(
        text(
            """
            SELECT c.id, c.display_name, c.kind FROM customer_emails e
            JOIN customers c ON c.id = e.customer_id
            WHERE e.address ILIKE :like AND c.merged_into_id IS NULL
            ORDER BY length(e.address), e.id LIMIT :limit
            """
        ),
        {"like": _like(query), "limit": limit},
    )
    return rows.all()


def _name_prefix_query(query: str) -> str | None:
    """``jan:* & bervan:*`` for "Jan Bervan": every typed word as the start of a word."""
    words = re.findall(r"\w+", query.lower())
    return " & ".join(f"{w}:*" for w in words[:6]) or None


async def _names(session: AsyncSession, query: str, limit: int):
    """Names by their words first (index ``ix_customers_name_words``: exact posting
    lists, fast even for a common surname), best match first. Only when no name has
    those words: trigram similarity for typos ("Jansn" finds "Jansen")."""
    prefix = _name_prefix_query(query)
    if prefix:
        rows = await session.execute(
            text(
                f"""
                SELECT c.id, c.display_name, c.kind FROM customers c
                WHERE {NAME_TSV} @@ to_tsquery('simple', :prefix)
                  AND c.merged_into_id IS NULL
                ORDER BY lower(c.display_name) = lower(:q) DESC, length(c.display_name), c.id
                LIMIT :limit
                """
            ),
            {"prefix": prefix, "q": query, "limit": limit},
        )
        found = rows.all()
        if found:
            return found
    if await has_trigram(session):
        sql = """
            SELECT c.id, c.display_name, c.kind FROM customers c
            WHERE :q <% c.display_name AND c.merged_into_id IS NULL
            ORDER BY word_similarity(:q, c.display_name) DESC, c.id LIMIT :limit
        """
    else:
        sql = """
            SELECT c.id, c.display_name, c.kind FROM customers c
            WHERE c.display_name ILIKE :like AND c.merged_into_id IS NULL
            ORDER BY c.id LIMIT :limit
        """
    rows = await session.execute(text(sql), {"like": _like(query), "q": query, "limit": limit})
    return rows.all()


# How many of the newest messages the first, bounded pass looks at (see messages()).
RECENT_WINDOW = 5_000


async def _message_ids(
    session: AsyncSession, query: str, products: list[int], limit: int
) -> list[int]:
    """The newest ``limit`` matching message ids, in two passes with bounded cost.

    Ordering by newest needs all matches of a GIN scan, which is slow for a common
    word (a third of all mail says "registratie"), while walking the messages
    backwards is slow for a rare one (or a name nobody wrote: the whole table).
    So: first walk only the newest RECENT_WINDOW messages (a common word fills the
    page there); only if that gives too few, use the index over everything (then
    the word is rare, and so are its matches)."""
    # OFFSET 0 keeps the word test out of the inner scan: the newest window is walked
    # backwards by primary key (a common word's GIN posting list is never read).
    recent = await session.execute(
        text(
            """
            SELECT w.message_id FROM (
                SELECT s.message_id, s.tsv, s.product_id FROM message_search s
                WHERE s.message_id > (SELECT coalesce(max(message_id), 0) FROM message_search)
                                     - :window
                ORDER BY s.message_id DESC OFFSET 0
            ) w
            WHERE w.tsv @@ websearch_to_tsquery('dutch', :q) AND w.product_id = ANY(:products)
            ORDER BY w.message_id DESC LIMIT :limit
            """
        ),
        {"q": query, "products": products, "limit": limit, "window": RECENT_WINDOW},
    )
    ids = list(recent.scalars().all())
    if len(ids) >= limit:
        return ids
    # "+ 0": not the primary key's order, so the planner answers from the GIN index.
    everything = await session.execute(
        text(
            """
            SELECT s.message_id FROM message_search s
            WHERE s.tsv @@ websearch_to_tsquery('dutch', :q) AND s.product_id = ANY(:products)
            ORDER BY s.message_id + 0 DESC LIMIT :limit
            """
        ),
        {"q": query, "products": products, "limit": limit},
    )
    return list(everything.scalars().all())


async def messages(
    session: AsyncSession, query: str, products: list[int], limit: int
) -> list[MessageHit]:
    """Newest matching messages of accredited products, with a highlighted snippet.
    The narrow ``message_search`` projection finds them; only the page's rows are
    read from messages for their text."""
    ids = await _message_ids(session, query, products, limit)
    if not ids:
        return []
    rows = await session.execute(
        text(
            """
            SELECT c.reference, m.subject,
                   ts_headline('dutch', left(m.text_body, 5000),
                               websearch_to_tsquery('dutch', :q),
                               'StartSel=«, StopSel=», MaxWords=20, MinWords=8'),
                   p.code, m.created_at
            FROM messages m JOIN contacts c ON c.id = m.contact_id
            JOIN products p ON p.id = c.product_id
            WHERE m.id = ANY(:ids)
            ORDER BY m.id DESC
            """
        ),
        {"q": query, "ids": ids},
    )
    return [MessageHit(*row) for row in rows.all()]


async def articles(
    session: AsyncSession, query: str, products: list[int] | None, limit: int
) -> list[ArticleHit]:
    rows = await session.execute(
        text(
            f"""
            SELECT a.id, a.title, p.code, a.visibility FROM kb_articles a
            JOIN products p ON p.id = a.product_id
            WHERE {ARTICLE_TSV} @@ websearch_to_tsquery('dutch', :q) AND a.active
              AND (CAST(:all AS boolean) OR a.product_id = ANY(:products))
            ORDER BY ts_rank({ARTICLE_TSV}, websearch_to_tsquery('dutch', :q)) DESC, a.id
            LIMIT :limit
            """
        ),
        {"q": query, "all": products is None, "products": products or [-1], "limit": limit},
    )
    return [ArticleHit(*row) for row in rows.all()]
