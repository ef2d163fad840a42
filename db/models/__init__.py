"""Every table of PULSE, registered on SQLModel.metadata in one import.

The core tables live in db.models.contacts; each feature area keeps its own tables in a
module of its own (so areas grow without editing one big file). Alembic, the
schema test and the processes import this module so that all mappers exist.
"""

import db.models.contacts  # noqa: F401
import db.models.customers  # noqa: F401  (klantbeeld: identifiers, knowledge base)
import db.models.junk  # noqa: F401  (spam held apart from the queues)
import db.models.klopt  # noqa: F401  (migration from Klopt: old ids -> new ids)
import db.models.phone  # noqa: F401  (phone channel: calls, agent phone state)
import db.models.records  # noqa: F401  (DMS, retention, privacy, audit chain)
import db.models.reports  # noqa: F401  (management reports: settings)
import db.models.signals  # noqa: F401  (customer signals: spikes, drops, topics)
import db.models.survey  # noqa: F401  (satisfaction survey: settings, invitations)
import db.models.topdesk  # noqa: F401  (TOPdesk incidents, product defaults)
import db.models.webform  # noqa: F401  (public web form: config, submissions, refusals)
import db.models.work  # noqa: F401  (backoffice lines, SLAs, work distribution)
