"""A small AMI action client (panoramisk) for the API and the worker: queue
membership, pause, originate, status lists. No event callbacks on this connection:
the AMI bridge is the one that listens.

panoramisk 1.4 quirks (seen against Asterisk 23.4.1): ``QueueAdd`` answers "Added
interface to queue", which panoramisk takes for the start of a list, so its future
only resolves with ``as_list=False``; ``save_stream=`` is broken (not used).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from panoramisk import Manager

log = logging.getLogger(__name__)

# OriginateResponse Reason codes (Asterisk's AST_CONTROL_*): what happened to the
# first leg (the agent's phone).
ORIGINATE_REASONS = {4: "answered", 5: "busy", 8: "busy", 3: "no_answer", 1: "no_answer"}
# The customer's leg: DIALSTATUS of the callback dialplan's Dial, reported by
# UserEvent(PulseCallbackDial) (asterisk/extensions.conf [pulse-callback]).
CALLBACK_DIAL_EVENT = "PulseCallbackDial"
DIAL_STATUSES = {"ANSWER": "answered", "BUSY": "busy", "NOANSWER": "no_answer"}
CUSTOMER_DIAL_SECONDS = 45  # Dial(…,45,…) in [pulse-callback]


class _ActionManager(Manager):
    """No reconnect loop of its own: the client connects again on its next action
    (panoramisk's Manager would retry forever, also after close())."""

    closed = False

    def connect(self, *args, **kwargs):
        if self.closed:
            return None
        return super().connect(*args, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()

    def connection_lost(self, exc) -> None:
        self._connected = False
        self.closed = True
        if self.pinger:
            self.pinger.cancel()
            self.pinger = None


class AmiError(RuntimeError):
    """Asterisk refused the action, or could not be reached."""


@dataclass(frozen=True)
class AmiConfig:
    host: str
    port: int
    username: str
    secret: str

    @classmethod
    def from_settings(cls, settings) -> AmiConfig:
        return cls(
            settings.ami_host,
            settings.ami_port,
            settings.ami_user,
            settings.ami_secret.get_secret_value(),
        )


async def ami_list(manager: Manager, action: str, timeout: float) -> list:
    """A list action (QueueStatus, CoreShowChannels): its items, without the response
    and the Complete event. ``Response: Error`` (e.g. QueueStatus while app_queue is
    not loaded yet, right after Asterisk starts) raises AmiError. Sent without
    ``as_list``: panoramisk decides from the first response, so an Error resolves
    (``as_list=True`` waits for a list that never comes)."""
    try:
        responses = await asyncio.wait_for(manager.send_action({"Action": action}), timeout)
    except TimeoutError as exc:
        raise AmiError(f"no answer to {action}") from exc
    if not isinstance(responses, list):
        if responses.get("Response") != "Success":
            raise AmiError(f"{action}: {responses.get('Message') or 'refused'}")
        return []
    first = responses[0]
    if first.get("Response") not in (None, "Success"):
        raise AmiError(f"{action}: {first.get('Message') or 'refused'}")
    return [m for m in responses if m.get("Event") and not m.get("EventList")]


def _agent_leg(response) -> str:
    try:
        return ORIGINATE_REASONS.get(int(response.get("Reason", "0")), "failed")
    except ValueError:
        return "failed"


class AmiClient:
    def __init__(self, config: AmiConfig, timeout: float = 10.0) -> None:
        self.config = config
        self.timeout = timeout
        self._manager: Manager | None = None
        self._lock = asyncio.Lock()
        self._dials: dict[str, asyncio.Future] = {}  # PULSE_ORIGINATE token -> DIALSTATUS

    async def _connected(self) -> Manager:
        async with self._lock:
            manager = self._manager
            if manager is not None and manager._connected and manager.authenticated:
                return manager
            if manager is not None:
                manager.close()
            manager = _ActionManager(
                host=self.config.host,
                port=self.config.port,
                username=self.config.username,
                secret=self.config.secret,
                # On: OriginateResponse is an event, and only a session with events
                # hears it (manager.conf filters what Asterisk sends; no callbacks here).
                events="on",
                ping_delay=30,
                loop=asyncio.get_running_loop(),
            )
            try:
                connecting = manager.connect()
                await asyncio.wait_for(connecting, self.timeout)
                for _ in range(100):  # login is sent from a done-callback of connect()
                    if manager.authenticated_future is not None or manager.authenticated:
                        break
                    await asyncio.sleep(0.01)
                if not manager.authenticated:
                    await asyncio.wait_for(manager.authenticated_future, self.timeout)
            except (OSError, TimeoutError, AttributeError) as exc:
                manager.close()
                raise AmiError(f"AMI not reachable: {exc}") from exc
            if not manager.authenticated:
                manager.close()
                raise AmiError("AMI login refused")
            manager.register_event("UserEvent", self._on_user_event)
            self._manager = manager
            return manager

    def _on_user_event(self, manager, message) -> None:
        if message.get("UserEvent") != CALLBACK_DIAL_EVENT:
            return
        waiting = self._dials.get(str(message.get("PulseOriginate") or ""))
        if waiting is not None and not waiting.done():
            waiting.set_result(str(message.get("DialStatus") or ""))

    async def send(self, action: dict, as_list: bool | None = None):
        manager = await self._connected()
        try:
            return await asyncio.wait_for(
                manager.send_action(dict(action), as_list=as_list), self.timeout
            )
        except TimeoutError as exc:
            raise AmiError(f"no answer to {action.get('Action')}") from exc

    async def _simple(self, action: dict) -> str:
        response = await self.send(action, as_list=False)
        if isinstance(response, list):
            response = response[0]
        if response.get("Response") != "Success":
            raise AmiError(response.get("Message") or f"{action['Action']} refused")
        return response.get("Message", "")

    async def db_put(self, family: str, key: str, value: str) -> str:
        """Write one AstDB key (what the dialplan reads with ${DB(family/key)})."""
        return await self._simple({"Action": "DBPut", "Family": family, "Key": key, "Val": value})

    async def queue_add(self, queue: str, interface: str, member_name: str) -> str:
        return await self._simple(
            {
                "Action": "QueueAdd",
                "Queue": queue,
                "Interface": interface,
                "MemberName": member_name,
                "Paused": "false",
            }
        )

    async def queue_remove(self, queue: str, interface: str) -> str:
        return await self._simple({"Action": "QueueRemove", "Queue": queue, "Interface": interface})

    async def queue_pause(self, interface: str, paused: bool, reason: str = "") -> str:
        """Pause in every queue the interface is a member of (no Queue header)."""
        action = {"Action": "QueuePause", "Interface": interface, "Paused": str(paused).lower()}
        if reason:
            action["Reason"] = reason
        return await self._simple(action)

    async def originate(
        self, channel: str, context: str, exten: str, caller_id: str, timeout_s: int
    ) -> str:
        """Ring ``channel`` (the agent) and, once answered, run ``exten@context`` (the
        customer through the trunk). Returns answered / busy / no_answer / failed:
        of the customer's leg. OriginateResponse Success says only that the agent
        answered; the customer's DIALSTATUS comes from the dialplan's UserEvent."""
        token = uuid.uuid4().hex
        action = {
            "Action": "Originate",
            "Channel": channel,
            "Context": context,
            "Exten": exten,
            "Priority": "1",
            "CallerID": caller_id,
            "Timeout": str(timeout_s * 1000),
            "Async": "true",
            # the product's number as the customer's caller ID, and the token the
            # dialplan reports the customer's leg with (extensions.conf pulse-callback)
            "Variable": f"PULSE_LINE_NUMBER={caller_id},PULSE_ORIGINATE={token}",
        }
        manager = await self._connected()
        dialled = asyncio.get_running_loop().create_future()
        self._dials[token] = dialled
        try:
            responses = await asyncio.wait_for(manager.send_action(action), timeout_s + 15)
            if not isinstance(responses, list):
                return "failed"  # refused at once (a plain Error response)
            final = responses[-1]
            if final.get("Response") != "Success":
                return _agent_leg(final)
            status = await asyncio.wait_for(dialled, CUSTOMER_DIAL_SECONDS + 30)
        except TimeoutError:
            return "failed"
        finally:
            self._dials.pop(token, None)
        return DIAL_STATUSES.get(status.upper(), "failed")

    async def status_list(self, action: str) -> list:
        """QueueStatus / CoreShowChannels: the list events (without the response)."""
        return await ami_list(await self._connected(), action, self.timeout)

    def close(self) -> None:
        if self._manager is not None:
            self._manager.close()
            self._manager = None
