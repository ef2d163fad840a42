"""What crosses the Temporal boundary in the records area (IDs and codes only)."""

from __future__ import annotations

from dataclasses import dataclass, field


def archive_workflow_id(reference: str) -> str:
    return f"archive-{reference}"


DESTRUCTION_SCHEDULE_ID = "pulse-destruction-list-daily"


@dataclass
class ArchiveInput:
    contact_id: int
    reference: str


@dataclass
class ArchiveResult:
    record_id: int
    status: str
    documents: int = 0


@dataclass
class RecordRef:
    contact_id: int


@dataclass
class PendingResult:
    record_id: int


@dataclass
class DestructionRunInput:
    as_of: str | None = None  # ISO date; default: the workflow's today


@dataclass
class CollectInput:
    workflow_id: str
    as_of: str


@dataclass
class CollectResult:
    list_id: int
    record_ids: list[int] = field(default_factory=list)


@dataclass
class DecideRequest:
    """The records manager's decision on one item of the destruction list."""

    user_id: int
    record_id: int
    approve: bool
    reason: str = ""


@dataclass
class DecideResult:
    pending: int


@dataclass
class DecisionRecord:
    list_id: int
    user_id: int
    record_id: int
    approve: bool
    reason: str = ""


@dataclass
class DestroyInput:
    list_id: int
    record_id: int


@dataclass
class DestroyResult:
    record_id: int
    destroyed: bool
    why_not: str = ""


@dataclass
class CertificateInput:
    list_id: int
    destroyed: list[int] = field(default_factory=list)
    not_destroyed: list[int] = field(default_factory=list)


@dataclass
class CertificateResult:
    certificate_id: int
    sha256: str


@dataclass
class DestructionResult:
    list_id: int
    destroyed: int = 0
    withheld: int = 0
    certificate_id: int | None = None


@dataclass
class DestructionState:
    list_id: int | None
    pending: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    withheld: list[int] = field(default_factory=list)
    done: bool = False
