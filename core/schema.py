"""Every table of PULSE, registered on SQLModel.metadata in one import.

The core tables live in core.models; each feature area keeps its own tables in a
module of its own (so areas grow without editing one big file). Alembic, the
schema test and the processes import this module so that all mappers exist.
"""

import core.models  # noqa: F401
import core.models_customers  # noqa: F401  (klantbeeld: identifiers, knowledge base)
import core.models_phone  # noqa: F401  (phone channel: calls, agent phone state)
import core.models_records  # noqa: F401  (DMS, retention, privacy, audit chain)
import core.models_work  # noqa: F401  (backoffice lines, SLAs, work distribution)
