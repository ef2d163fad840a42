"""panoramisk's Manager with exponential reconnect back-off that reports logins and
lost links to a listener (the AMI bridge)."""

from __future__ import annotations

import logging
from typing import Protocol

from panoramisk import Manager

log = logging.getLogger("pulse.ami_bridge")

BACKOFF_START, BACKOFF_MAX = 0.5, 30.0


class LinkListener(Protocol):
    stopped: bool

    def logged_in(self) -> None: ...

    def link_lost(self) -> None: ...


class BackoffManager(Manager):
    """panoramisk's Manager reconnects after a fixed delay; this one backs off
    exponentially and reports logins and losses to the bridge."""

    def __init__(self, bridge: LinkListener, **config) -> None:
        super().__init__(**config)
        self._bridge = bridge
        self._user = config.get("username")
        self._delay = BACKOFF_START

    def _next_delay(self) -> float:
        delay, self._delay = self._delay, min(self._delay * 2, BACKOFF_MAX)
        return delay

    def connect(self, *args, **kwargs):
        if self._bridge.stopped:
            return None
        return super().connect(*args, **kwargs)

    def connection_made(self, f) -> None:
        if not f.cancelled() and f.exception() is not None:
            self.reconnect_timeout = self._next_delay()
        super().connection_made(f)

    def login(self, future) -> bool:
        ok = super().login(future)
        if ok:
            self._delay = BACKOFF_START
            self._bridge.logged_in()
        else:
            log.error("AMI: login refused for user %r: check PULSE_AMI_USER/SECRET", self._user)
        return ok

    def connection_lost(self, exc) -> None:
        self.reconnect_timeout = self._next_delay()
        self._bridge.link_lost()
        super().connection_lost(exc)
