"""Dataclasses of the work area that cross the Temporal boundary: the work plan a
contact runs on (SLA targets, calendar, waiting and complaint terms), the line
and complaint decisions, and what the projection gets about lines and SLAs.

IDs, codes and numbers only: no names or text (history is visible in Temporal Web).
"""

from dataclasses import dataclass, field


@dataclass
class WorkCalendar:
    """Office hours, workdays and closing days: the calendar SLA clocks run on."""

    tz: str = "Europe/Amsterdam"
    open_minute: int = 8 * 60 + 30  # 08:30
    close_minute: int = 17 * 60  # 17:00
    workdays: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])  # Mon..Fri
    holidays: list[str] = field(default_factory=list)  # ISO dates, e.g. "2027-04-27"


FIRST_LINE, SECOND_LINE, THIRD_LINE = 1, 2, 3
LINES = (FIRST_LINE, SECOND_LINE, THIRD_LINE)
COMPLAINTS_QUEUE = "complaints"
# A trafficer moves a contact up or down its list within these; breaches add to it.
PRIORITY_MIN, PRIORITY_MAX = -5, 10


@dataclass
class LineTargets:
    """SLA targets of one line, in working minutes (0: no target)."""

    line: int
    first_response_minutes: float = 0.0
    resolution_minutes: float = 0.0


@dataclass
class WorkPlan:
    """Everything the workflow needs to run its timers, loaded once at the start."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    targets: list[LineTargets] = field(default_factory=list)
    warn_share: float = 0.8
    raise_priority_on_breach: int = 1  # added to the task's priority on a breach
    direct_reply_lines: list[int] = field(default_factory=lambda: [FIRST_LINE])
    waiting_reminder_days: int = 5  # working days; 0: no reminder
    waiting_close_days: int = 10  # working days; 0: never closed automatically
    complaint_term_days: int = 42  # Awb 9:11: six weeks
    complaint_extension_days: int = 28  # Awb 9:11(2): once, four weeks
    complaint_warn_days: int = 7
    received_at: str = ""  # ISO; the SLA clocks run from the receipt of the contact
    auto_assignee: int | None = None  # the queue assigns new work itself: to this person

    def for_line(self, line: int) -> LineTargets:
        for targets in self.targets:
            if targets.line == line:
                return targets
        return LineTargets(line)


@dataclass
class StartWorkInput:
    contact_id: int
    channel: str = "email"
    received_at: str = ""  # ISO: the workflow's start (not its first task): the receipt


@dataclass
class WorkProjection:
    """The work fields of the projection (contact and task rows)."""

    line: int = FIRST_LINE
    queue: str = ""
    due_at: str | None = None  # ISO; None while every clock is paused
    sla_state: str = ""  # "", "paused", "warning", "breached"
    priority: int = 0
    complaint: bool = False
    complaint_due_at: str | None = None


@dataclass
class SlaSignalInput:
    """An SLA or Awb timer went off: flag the contact, tell the trafficers."""

    contact_id: int
    clock: str  # first_response / resolution / line_answer / complaint
    level: str  # warning / breached
    work: WorkProjection = field(default_factory=WorkProjection)


@dataclass
class CustomerLetterInput:
    """Make an outbound message to the customer from a product template."""

    contact_id: int
    template: str  # waiting_reminder / complaint_extension / ...


@dataclass
class CustomerLetterResult:
    message_id: int | None = None  # None: no address known, nothing to send


# --- people's decisions --------------------------------------------------------------


@dataclass
class EscalateRequest:
    """Ask a 2nd or 3rd line list a question (the note holds the question's text)."""

    user_id: int
    to_line: int
    note_id: int | None = None
    queue: str = ""


@dataclass
class AnswerRequest:
    """The line holding an escalation answers (or hands back) to the line before."""

    user_id: int
    note_id: int | None = None
    hand_back: bool = False
    to_line: int = 0  # 0: the line before; else skip back to this earlier line (e.g. 3 -> 1)


@dataclass
class ComplaintRequest:
    user_id: int
    note_id: int | None = None


@dataclass
class ExtendComplaintRequest:
    user_id: int


@dataclass
class PriorityRequest:
    by_user_id: int
    priority: int


@dataclass
class WorkState:
    """Query result: where the contact is and how its clocks stand."""

    line: int
    queue: str
    hops: list[list[int]]
    clocks: dict[str, dict]
    complaint: bool
    complaint_due_at: str | None
    complaint_extended: bool
    priority: int


@dataclass
class LineAssignInput:
    """A contact landed on a 2nd/3rd line list without a holder: who gets it, if that
    product x line assigns automatically."""

    contact_id: int
    line: int
    queue: str = ""


@dataclass
class LineAssignResult:
    user_id: int | None = None  # None: the list does not assign itself, or nobody is in
