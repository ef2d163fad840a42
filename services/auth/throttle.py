"""Login abuse limits, in memory per API process: attempts per client address and for
everyone together, failures per address (an address is locked well before the account
lock, so one stranger cannot lock a user out), and a cap on concurrent argon2 checks
(each costs ~0.3 s of CPU and must not stall the event loop).

Per process on purpose: no database write per refused attempt (a flood must cost
nothing); with N API processes the limits are N times as wide.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Addresses remembered at most; beyond it the oldest are forgotten (bounded memory).
MAX_TRACKED_ADDRESSES = 50_000
WINDOW_SECONDS = 60.0


@dataclass
class _Address:
    attempts: deque[float] = field(default_factory=deque)
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(
        self,
        per_address_per_minute: int,
        global_per_minute: int,
        address_max_failures: int,
        address_lock_seconds: float,
        concurrent_checks: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address_per_minute
        self.global_limit = global_per_minute
        self.max_failures = address_max_failures
        self.lock_seconds = address_lock_seconds
        self.clock = clock
        self._addresses: dict[str, _Address] = {}
        self._global: deque[float] = deque()
        self._checks = asyncio.Semaphore(concurrent_checks)
        self._waiting = 0
        self._max_waiting = concurrent_checks * 4

    def _state(self, address: str) -> _Address:
        state = self._addresses.pop(address, None) or _Address()
        self._addresses[address] = state  # most recently used last
        while len(self._addresses) > MAX_TRACKED_ADDRESSES:
            self._addresses.pop(next(iter(self._addresses)))
        return state

    @staticmethod
    def _trim(events: deque[float], since: float) -> None:
        while events and events[0] < since:
            events.popleft()

    def admit(self, address: str | None) -> float | None:
        """Count an attempt; None when it may go on, else the seconds to wait (429)."""
        now = self.clock()
        state = self._state(address or "-")
        if state.locked_until > now:
            return state.locked_until - now
        self._trim(state.attempts, now - WINDOW_SECONDS)
        self._trim(self._global, now - WINDOW_SECONDS)
        if len(state.attempts) >= self.per_address:
            return WINDOW_SECONDS - (now - state.attempts[0])
        if len(self._global) >= self.global_limit:
            return WINDOW_SECONDS - (now - self._global[0])
        state.attempts.append(now)
        self._global.append(now)
        return None

    def failed(self, address: str | None) -> None:
        """A wrong password or code from this address; enough of them lock the address."""
        now = self.clock()
        state = self._state(address or "-")
        self._trim(state.failures, now - self.lock_seconds)
        state.failures.append(now)
        if len(state.failures) >= self.max_failures:
            state.locked_until = now + self.lock_seconds
            state.failures.clear()

    def succeeded(self, address: str | None) -> None:
        self._state(address or "-").failures.clear()

    async def check(self, verify: Callable[[], bool]) -> bool | None:
        """Run a password check off the event loop, at most N at once; None when too
        many are already waiting (the caller answers 429)."""
        if self._waiting >= self._max_waiting:
            return None
        self._waiting += 1
        try:
            async with self._checks:
                return await asyncio.to_thread(verify)
        finally:
            self._waiting -= 1
