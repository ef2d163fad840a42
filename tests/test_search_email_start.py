"""The start of an email address finds the customer whose address it is."""

from __future__ import annotations

from devstack.demo.seed import seed_demo
from services.search import EMAIL_START_RE, customers


def test_what_looks_like_the_start_of_an_address():
    for typed in ("jan.jansen", "f_el-amrani", "jan.jansen."):
        assert EMAIL_START_RE.fullmatch(typed), typed
    for typed in ("Jan Jansen", "jansen", "KCC-2026-000001x "):
        assert not EMAIL_START_RE.fullmatch(typed), typed


async def test_jan_dot_jansen_finds_jan_jansen(db, settings):
    await seed_demo(db)
    async with db() as session:
        hits = await customers(session, settings, "jan.jansen", 10)
        assert "Jan Jansen" in {h.display_name for h in hits}
        assert {h.matched for h in hits if h.display_name == "Jan Jansen"} == {"email"}
