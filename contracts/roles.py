"""The roles a person has in PULSE; what each may do is in services/access.py."""

from enum import StrEnum


class Role(StrEnum):
    agent = "agent"
    trafficer = "trafficer"
    manager = "manager"
    admin = "admin"
    records_manager = "records_manager"  # destruction lists, privacy requests
    ops = "ops"  # operations: decoded Temporal payloads through the codec
