"""The stubs stand in for every real activity, under its name and with its types,
so the workflow tests exercise the same calls as production."""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import load_settings
from contracts.activities import INTERFACES
from runtime.worker import activities_for
from tests.workflows.stubs import Stubs, signatures

WORKFLOWS_DIR = Path(__file__).resolve().parents[2] / "workflows"
# Workflows call activities through the interfaces: ``ContactActivityApi.update_projection``.
CALLED = re.compile(r"execute_(?:local_)?activity_method\(\s*(\w+ActivityApi)\.(\w+)")


def real_activities(tmp_path) -> list:
    # No database is touched: the activity objects are only built, never run.
    return activities_for(load_settings(environment="test", data_dir=tmp_path), None)


def test_every_real_activity_has_a_stub_with_its_types(tmp_path):
    real = signatures(real_activities(tmp_path))
    stubbed = signatures(Stubs().activities())
    assert sorted(stubbed) == sorted(real)
    for name, types in real.items():
        assert stubbed[name] == types, name


def test_every_activity_a_workflow_calls_is_stubbed():
    interfaces = {api.__name__: api for api in INTERFACES}
    called = {
        _name(getattr(interfaces[api], method))
        for source in WORKFLOWS_DIR.rglob("*.py")
        for api, method in CALLED.findall(source.read_text())
    }
    assert called, "no activity calls found: has the calling convention changed?"
    assert called <= set(signatures(Stubs().activities()))


def _name(method) -> str:
    return method.__temporal_activity_definition.name
