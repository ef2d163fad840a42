"""The typed activity interfaces workflows call (contracts/activities.py) and the
activities the worker registers (runtime/worker.py) are the same set: same names,
same input and output types. A mismatch would fail only at run time, in a retry
loop, so it is caught here."""

import inspect

import pytest
from temporalio import activity

from config.settings import Settings
from contracts.activities import INTERFACES, ContactActivityApi
from contracts.contact import OpenContactInput
from runtime.worker import activities_for


def _definition(fn) -> tuple[str, list, object]:
    defn = activity._Definition.must_from_callable(fn)
    return defn.name, list(defn.arg_types or []), defn.ret_type


def _declared() -> dict[str, tuple]:
    found = {}
    for api in INTERFACES:
        for _, fn in inspect.getmembers(api, inspect.isfunction):
            if activity._Definition.from_callable(fn) is not None:
                name, args, ret = _definition(fn)
                assert name not in found, f"{name} declared twice"
                found[name] = (args, ret)
    return found


def _registered() -> dict[str, tuple]:
    # Building the activity objects opens no connection: a sessionmaker is not used.
    found = {}
    for fn in activities_for(Settings(), sessionmaker=None):
        name, args, ret = _definition(fn)
        assert name not in found, f"{name} registered twice"
        found[name] = (args, ret)
    return found


def test_every_registered_activity_has_an_interface_and_back():
    assert sorted(_declared()) == sorted(_registered())


@pytest.mark.parametrize("name", sorted(_declared()))
def test_interface_types_match_the_implementation(name):
    assert _declared()[name] == _registered()[name]


async def test_an_interface_is_never_run_itself():
    with pytest.raises(NotImplementedError):
        await ContactActivityApi().open_contact(OpenContactInput(1, None))
