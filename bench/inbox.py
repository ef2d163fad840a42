"""Inbox benchmark: the inbox page and its JSON API on a large database.

    .venv/bin/python bench/inbox.py [--contacts 1000000] [--open 50000] [--requests 300]

It starts its own embedded PostgreSQL (temp folder, free port), applies the
migrations, seeds the demo data and then, in bulk with ``INSERT ... SELECT
generate_series``, customers, extra agents and ``--contacts`` contacts over the six
demo products -- each with its inbox task (the projection): ``--open`` of them open
(task open, or claimed when assigned), the rest closed (task done). Then ANALYZE.

It logs in once as the demo ``agent`` (accredited for BIG and UZI) through the real
login route and times, in-process (httpx.AsyncClient + ASGITransport, the app's
lifespan running), the inbox HTML page ``GET /`` and ``GET /api/tasks`` for several
filters. Per case: warm-up, then ``--requests`` requests one after another; server
time is measured around the ASGI app call, SQL statements are counted with a
``before_cursor_execute`` listener on the engine.

Targets: p95 <= 20 ms and <= 3 queries per request. The last line is key=value
pairs for the worst case.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from api.routes.contacts.inbox import PAGE_SIZE  # noqa: E402
from bench.stack import percentile  # noqa: E402
from config.settings import load_settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_sessionmaker  # noqa: E402
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from tests.api_support import client_for, login, running_app  # noqa: E402
from tests.conftest import free_port  # noqa: E402

TARGET_P95_MS = 20.0
TARGET_QUERIES = 3

# Share of contacts per demo product (BIG is by far the biggest register).
PRODUCT_WEIGHTS = {"BIG": 35, "UZI": 20, "DONOR": 15, "FARMATEC": 10, "DIPLOMA": 12, "WTZA": 8}
SUBJECTS = [
    "Vraag over mijn BIG-registratie",
    "Herregistratie aanvraag - status?",
    "Wijziging adresgegevens",
    "Ik heb mijn pas niet ontvangen",
    "Klacht over de behandeling van mijn aanvraag",
    "Vraag over diploma-erkenning (België)",
    "Re: Uw aanvraag",
    "Donorregistratie wijzigen",
]
FIRST_NAMES = ["Jan", "Émile", "Søren", "Fatima", "Zoë", "Pieter", "Ayşe", "Mohammed", "Lotte"]
LAST_NAMES = ["Jansen", "de Vries", "Ødegård", "el Amrani", "van Dijk", "Bakker", "Yılmaz"]


# --- seeding ---------------------------------------------------------------------------


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _product_case(column: str) -> str:
    """CASE mapping a uniform [0,1) number to a product index (1-based), by weight."""
    total = sum(PRODUCT_WEIGHTS.values())
    parts, acc = [], 0
    for index, demo in enumerate(DEMO_PRODUCTS, start=1):
        acc += PRODUCT_WEIGHTS[demo.code]
        parts.append(f"WHEN {column} < {acc / total:.6f} THEN {index}")
    return "CASE " + " ".join(parts) + f" ELSE {len(DEMO_PRODUCTS)} END"


def _secondary_indexes(cur, table: str) -> list[tuple[str, str]]:
    """Indexes of a table that no constraint owns: dropped for the bulk load."""
    return cur.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        (table,),
    ).fetchall()


def seed_bulk(dsn: str, contacts: int, open_count: int, customers: int, agents: int) -> dict:
    """Customers, agents, contacts and their tasks, set-based. Returns timings (s)."""
    timings: dict[str, float] = {}
    codes = [d.code for d in DEMO_PRODUCTS]
    closed_count = contacts - open_count
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        start = time.perf_counter()
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '256MB'")
        # Rows are consistent by construction: skip the per-row FK triggers.
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT setseed(0.42)")
        dropped = []
        for table in ("contacts", "tasks", "customers", "customer_emails"):
            for name, definition in _secondary_indexes(cur, table):
                cur.execute(f'DROP INDEX "{name}"')
                dropped.append(definition)

        cur.execute(
            f"""
            CREATE TEMP TABLE bench_products ON COMMIT DROP AS
            SELECT array_position({_sql_array(codes)}, p.code) AS idx, p.id,
                   (SELECT array_agg(r.id ORDER BY r.id) FROM contact_reasons r
                    WHERE r.product_id = p.id) AS reasons
            FROM products p WHERE p.code = ANY({_sql_array(codes)})
            """
        )
        # Extra agents, each accredited for one or two products.
        cur.execute(
            """
            INSERT INTO users (username, full_name, email, role, language, is_active,
                               password_hash, totp_secret, is_demo, failed_logins, created_at)
            SELECT 'bench-agent-' || g, 'Medewerker ' || g, NULL, 'agent', 'nl', true,
                   '!disabled', NULL, false, 0, now()
            FROM generate_series(1, %s) g
            """,
            (agents,),
        )
        cur.execute(
            """
            INSERT INTO accreditations (user_id, product_id)
            SELECT DISTINCT u.id, p.id FROM users u
            JOIN bench_products p ON p.idx IN (1 + u.id % 6, 1 + (u.id * 7) % 6)
            WHERE u.username LIKE 'bench-agent-%'
            """
        )
        cur.execute(
            """
            CREATE TEMP TABLE bench_pool ON COMMIT DROP AS
            SELECT array_agg(id ORDER BY id) AS ids FROM users
            WHERE role IN ('agent', 'trafficer') AND is_active
            """
        )
        t = time.perf_counter()
        base_customer = cur.execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0]
        cur.execute(
            f"""
            INSERT INTO customers (id, display_name, created_at)
            SELECT %(base)s + g,
                   ({_sql_array(FIRST_NAMES)})[1 + g %% {len(FIRST_NAMES)}] || ' ' ||
                   ({_sql_array(LAST_NAMES)})[1 + (g / 7) %% {len(LAST_NAMES)}],
                   now() - random() * interval '5 years'
            FROM generate_series(1, %(n)s) g
            """,
            {"base": base_customer, "n": customers},
        )
        cur.execute(
            """
            INSERT INTO customer_emails (customer_id, address)
            SELECT %(base)s + g, 'burger' || (%(base)s + g) || '@example.nl'
            FROM generate_series(1, %(n)s) g
            """,
            {"base": base_customer, "n": customers},
        )
        timings["customers"] = time.perf_counter() - t

        t = time.perf_counter()
        base = cur.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
        # The newest --open contacts are the open ones (created in the last 30 days);
        # closed ones spread over 3 years. Due 1-5 working days after arrival, so a
        # part of the open work is overdue. Open: 60 % new (unassigned), 30 % open,
        # 10 % waiting (both assigned). Channel: mostly email.
        cur.execute(
            f"""
            INSERT INTO contacts (id, reference, channel, status, subject, language, unreadable,
                product_id, customer_id, assignee_id, close_reason_id, due_at, created_at,
                updated_at, closed_at, last_message_at)
            SELECT %(base)s + g,
                'KCC-' || extract(year FROM created)::int || '-'
                    || lpad((%(base)s + g)::text, 7, '0'),
                CASE WHEN r_ch < 0.70 THEN 'email' WHEN r_ch < 0.85 THEN 'phone'
                     WHEN r_ch < 0.95 THEN 'webform' WHEN r_ch < 0.98 THEN 'letter'
                     ELSE 'counter' END,
                status,
                subjects[1 + floor(r_subj * cardinality(subjects))::int],
                CASE WHEN r_subj < 0.08 THEN 'en' ELSE 'nl' END,
                r_subj > 0.995,
                p.id,
                CASE WHEN r_cust < 0.97
                     THEN %(cbase)s + 1 + floor(r_cust / 0.97 * %(customers)s)::int END,
                CASE WHEN status <> 'new'
                     THEN pool.ids[1 + floor(r_asg * cardinality(pool.ids))::int] END,
                CASE WHEN status = 'closed' THEN p.reasons[1 + floor(r_asg * 5)::int] END,
                created + interval '1 day' * (1 + floor(r_due * 5)),
                created,
                created + interval '1 hour' * r_due * 60,
                CASE WHEN status = 'closed' THEN created + interval '1 hour' * (1 + r_due * 96) END,
                created
            FROM (
                SELECT g, r_ch, r_subj, r_cust, r_asg, r_due, r_prod,
                    CASE WHEN is_open THEN
                        CASE WHEN r_st < 0.6 THEN 'new' WHEN r_st < 0.9 THEN 'open'
                             ELSE 'waiting' END
                    ELSE 'closed' END AS status,
                    CASE WHEN is_open
                        THEN now() - interval '30 days' * power(r_age, 1.5)
                        ELSE now() - interval '30 days'
                             - interval '3 years' * (1 - g::float8 / %(closed)s)
                             - interval '1 hour' * r_age
                    END AS created
                FROM (
                    SELECT g, g > %(closed)s AS is_open, random() AS r_ch, random() AS r_subj,
                        random() AS r_cust, random() AS r_asg, random() AS r_due,
                        random() AS r_prod, random() AS r_st, random() AS r_age
                    FROM generate_series(1, %(n)s) g
                ) raw
            ) x
            JOIN bench_products p ON p.idx = {_product_case("x.r_prod")}
            CROSS JOIN bench_pool pool
            CROSS JOIN (SELECT {_sql_array(SUBJECTS)} AS subjects) s
            """,
            {
                "base": base,
                "cbase": base_customer,
                "customers": customers,
                "closed": max(closed_count, 1),
                "n": contacts,
            },
        )
        timings["contacts"] = time.perf_counter() - t

        t = time.perf_counter()
        # The projection exactly as activities.contacts._upsert_task writes it.
        cur.execute(
            """
            INSERT INTO tasks (id, contact_id, product_id, kind, status, contact_status, reference,
                title, customer_label, assignee_id, priority, unreadable, due_at, created_at,
                updated_at)
            SELECT c.id, c.id, c.product_id, c.channel,
                CASE WHEN c.status = 'closed' THEN 'done'
                     WHEN c.assignee_id IS NOT NULL THEN 'claimed' ELSE 'open' END,
                c.status, c.reference, left(c.subject, 300),
                coalesce(cu.display_name, ''), c.assignee_id,
                CASE WHEN c.id %% 20 = 0 THEN 1 ELSE 0 END,
                c.unreadable, c.due_at, c.created_at, c.updated_at
            FROM contacts c LEFT JOIN customers cu ON cu.id = c.customer_id
            WHERE c.id > %s
            """,
            (base,),
        )
        timings["tasks"] = time.perf_counter() - t

        t = time.perf_counter()
        for definition in dropped:
            cur.execute(definition)
        timings["indexes"] = time.perf_counter() - t
        for table in ("users", "customers", "customer_emails", "contacts", "tasks"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cur.execute("SELECT setval('contact_reference_seq', greatest(%s, 1))", (base + contacts,))
        cur.execute("SET session_replication_role = origin")
        conn.commit()
        timings["load"] = time.perf_counter() - start

    t = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    timings["vacuum_analyze"] = time.perf_counter() - t
    return timings


# --- measuring ---------------------------------------------------------------------------


class TimedApp:
    """ASGI wrapper: the server time of the last request (app call to its end), and
    the CPU time this thread spent meanwhile (less sensitive to a busy machine)."""

    def __init__(self, app) -> None:
        self.app = app
        self.last = 0.0
        self.last_cpu = 0.0

    async def __call__(self, scope, receive, send) -> None:
        start, start_cpu = time.perf_counter(), time.thread_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last = time.perf_counter() - start
            self.last_cpu = time.thread_time() - start_cpu


@dataclass
class QueryCounter:
    count: int = 0
    capture: bool = False
    statements: list[tuple[str, object]] = field(default_factory=list)

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.count += 1
        if self.capture:
            self.statements.append((statement, parameters))


@dataclass
class Case:
    name: str
    path: str
    expect_rows: bool = True


@dataclass
class Result:
    case: Case
    p50: float
    p95: float
    p99: float
    max: float
    cpu: float
    queries: int
    rows: int
    size: int


async def measure(
    client, timed: TimedApp, counter: QueryCounter, case: Case, n: int, warmup: int
) -> Result:
    headers = (
        {"Accept": "application/json"} if case.path.startswith("/api/") else {"Accept": "text/html"}
    )
    for _ in range(warmup):
        response = await client.get(case.path, headers=headers)
        assert response.status_code == 200, (case.path, response.status_code, response.text[:300])
    times, cpu, queries = [], [], []
    for _ in range(n):
        counter.count = 0
        response = await client.get(case.path, headers=headers)
        times.append(timed.last * 1000)
        cpu.append(timed.last_cpu * 1000)
        queries.append(counter.count)
        assert response.status_code == 200, (case.path, response.status_code)
    if case.path.startswith("/api/"):
        rows = len(response.json()["items"])
    else:
        rows = response.text.count('class="row-link"')
    if case.expect_rows and rows == 0:
        raise AssertionError(f"{case.name}: no rows")
    return Result(
        case,
        percentile(times, 0.5),
        percentile(times, 0.95),
        percentile(times, 0.99),
        max(times),
        percentile(cpu, 0.5),
        max(queries),
        rows,
        len(response.content),
    )


async def explain(engine, statement: str, parameters) -> str:
    async with engine.connect() as conn:
        result = await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in result)


async def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-inbox-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    try:
        settings = load_settings(
            environment="test",
            database_url=pg.url,
            data_dir=tmp,
            demo_skip_totp=True,
            temporal_address=f"127.0.0.1:{free_port()}",  # nothing there: fails fast
        )
        upgrade(pg.url)
        engine = make_engine(settings)
        sessionmaker = make_sessionmaker(engine)
        start = time.perf_counter()
        await seed_demo(sessionmaker)
        demo_s = time.perf_counter() - start
        timings = seed_bulk(
            settings.psycopg_url, args.contacts, args.open, args.customers, args.agents
        )
        seed_s = time.perf_counter() - start
        print(
            f"seeded {args.contacts:,} contacts + tasks ({args.open:,} open), "
            f"{args.customers:,} customers, {args.agents} extra agents in {seed_s:.1f} s "
            f"(demo {demo_s:.1f} s; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
            + ")"
        )

        with psycopg.connect(settings.psycopg_url) as conn:
            ids = dict(conn.execute("SELECT code, id FROM products").fetchall())
            agent = conn.execute(
                "SELECT u.id, u.full_name, array_agg(a.product_id ORDER BY a.product_id) "
                "FROM users u JOIN accreditations a ON a.user_id = u.id "
                "WHERE u.username = 'agent' GROUP BY u.id"
            ).fetchone()
            counts = conn.execute(
                "SELECT status, count(*) FROM tasks WHERE product_id = ANY(%s) GROUP BY 1 "
                "ORDER BY 1",
                (agent[2],),
            ).fetchall()
        active = sum(n for status, n in counts if status in ("open", "claimed"))
        deep_page = min(10, max(1, -(-active // PAGE_SIZE)))  # page 10, or the last one
        print(
            "agent's products "
            + ", ".join(k for k, v in ids.items() if v in agent[2])
            + ": tasks "
            + ", ".join(f"{s} {n:,}" for s, n in counts)
        )

        counter = QueryCounter()
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
        big, uzi = ids["BIG"], ids["UZI"]
        cases = [
            Case("html first page", "/"),
            Case("api first page", "/api/tasks"),
            Case("html product=BIG", f"/?product={big}"),
            Case("api product=BIG", f"/api/tasks?product={big}"),
            Case("html status=open", "/?status=open"),
            Case("api status=open", "/api/tasks?status=open"),
            Case("api product=UZI status=claimed", f"/api/tasks?product={uzi}&status=claimed"),
            Case("api status=done", "/api/tasks?status=done"),
            Case("api age=3d", "/api/tasks?age=3d"),
            Case("api mine=1", "/api/tasks?mine=1"),
            Case(f"api page={deep_page}", f"/api/tasks?page={deep_page}"),
            Case("rows fragment", "/inbox/rows?status=active&page=1"),
        ]
        if args.only:
            cases = [c for c in cases if args.only in c.name]
        results: list[Result] = []
        async with running_app(settings, sessionmaker) as app:
            timed = TimedApp(app)
            async with client_for(timed) as client:
                await login(client, sessionmaker, "agent")
                # EXPLAIN the rows query exactly as the app sends it for the first case.
                counter.capture = True
                await client.get(cases[0].path, headers={"Accept": "text/html"})
                counter.capture = False
                rows_sql = [s for s in counter.statements if "FROM tasks" in s[0]]
                if rows_sql:
                    print(f"\nEXPLAIN ANALYZE of the inbox rows query ({cases[0].name}):")
                    print(await explain(engine, *rows_sql[-1]))
                print()
                if args.profile:
                    await profile(client, cases, args)
                gc.collect()
                load_before = os.getloadavg()[0]
                for case in cases:
                    results.append(
                        await measure(client, timed, counter, case, args.requests, args.warmup)
                    )
        await engine.dispose()
    finally:
        pg.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    header = (
        f"{'case':<34}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'cpu ms':>8}"
        f"{'queries':>9}{'rows':>6}{'bytes':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        flag = "" if r.p95 <= TARGET_P95_MS and r.queries <= TARGET_QUERIES else "  MISS"
        print(
            f"{r.case.name:<34}{r.p50:>8.2f}{r.p95:>8.2f}{r.p99:>8.2f}{r.max:>8.2f}"
            f"{r.cpu:>8.2f}{r.queries:>9}{r.rows:>6}{r.size:>8}{flag}"
        )
    worst_p50 = max(r.p50 for r in results)
    worst_p95 = max(r.p95 for r in results)
    worst_q = max(r.queries for r in results)
    ok = worst_p95 <= TARGET_P95_MS and worst_q <= TARGET_QUERIES
    print(
        f"\n{args.requests} requests per case after {args.warmup} warm-up; times are server "
        f"wall time, cpu ms the p50 of the server thread's CPU time; load average during the "
        f"run {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"targets p95 <= {TARGET_P95_MS:.0f} ms, <= {TARGET_QUERIES} queries: "
        f"{'met' if ok else 'MISSED'}"
    )
    print(f"p50_ms={worst_p50:.2f} p95_ms={worst_p95:.2f} queries={worst_q}")


async def profile(client, cases: list[Case], args) -> None:
    """cProfile of --requests requests of the first case (--profile)."""
    import cProfile
    import pstats

    case = cases[0]
    headers = {"Accept": "text/html"} if not case.path.startswith("/api/") else {}
    for _ in range(args.warmup):
        await client.get(case.path, headers=headers)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.requests):
        await client.get(case.path, headers=headers)
    prof.disable()
    print(f"cProfile of {args.requests} x {case.name}:")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--agents", type=int, default=200, help="extra agents besides the demo")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--only", default="", help="run only the cases whose name has this")
    parser.add_argument("--profile", action="store_true", help="cProfile the first case")
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    cli = parser.parse_args()
    if not 0 <= cli.open <= cli.contacts:
        parser.error("--open must be between 0 and --contacts")
    asyncio.run(run(cli))
