"""Work setup for admins: the tables the work plan reads (SLA policies, the office
calendar, product work settings and queue auto-assignment, reply templates), with
validation and an audit line for every change."""
