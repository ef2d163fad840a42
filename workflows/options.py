"""How long each kind of activity may take and how it is retried: one place for
every workflow, so a contact's database work is retried the same way wherever it
is called from."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.topdesk import REJECTED, UNAUTHORIZED

# Database work is quick: the contact runs it as a local activity (no round trip
# through the server's task queue: about half the Temporal load of a contact) and
# retries it for a long time (a DB outage must not lose work).
_DB_TIMEOUT = timedelta(seconds=30)
_DB_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
DB_ACTIVITY = workflow.LocalActivityConfig(
    start_to_close_timeout=_DB_TIMEOUT, retry_policy=_DB_RETRY
)
# The same, for workflows that run their database work as ordinary activities.
DB_REMOTE_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=_DB_TIMEOUT, retry_policy=_DB_RETRY
)

# Lines, SLA flags and letters: the default policy, retry until it works.
WORK_ACTIVITY = workflow.LocalActivityConfig(start_to_close_timeout=_DB_TIMEOUT, retry_policy=None)

# Mail goes out until SMTP takes it: "sending" for as long as it takes, never lost.
# A local activity too (measured: +10 % contacts/s on the intake benchmark); after
# 10 s of failures its retries wait on server timers, so during an SMTP outage the
# workflow task is not held and people's updates still get through at once.
SEND_ACTIVITY = workflow.LocalActivityConfig(
    start_to_close_timeout=timedelta(minutes=2),
    local_retry_threshold=timedelta(seconds=10),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=["PermanentSendError"],
    ),
)

# One attempt = one Originate: a failed call is an outcome, not a retry.
ORIGINATE_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(seconds=90),
    retry_policy=RetryPolicy(maximum_attempts=1),
)

# The DMS may be down for hours: keep trying, at most every 10 minutes, forever.
DMS_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=10),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=5),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
    ),
)

# The weekly report reads a week of facts and mails it; the mail server may be down
# for hours. About half a day of tries, then ops see a failed run in Temporal Web.
MAIL_REPORT_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=10),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=30),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=30),
        maximum_attempts=20,
    ),
)

# TOPdesk unreachable, 429 or 5xx: back off from 1 s to at most 5 minutes, for as
# long as it takes. A refused login or request is not retried here: the incident
# workflow notes it and decides (waits for an admin, or stops).
TOPDESK_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=1),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=[UNAUTHORIZED, REJECTED],
    ),
)

# The daily signal scan: one query pass over a day; retried while the database is away.
SCAN_SIGNALS_ACTIVITY = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=10),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=30),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        maximum_attempts=10,
    ),
)
