"""Operational drills: the platform run as production runs it, then broken on purpose.

``python -m drills.restore`` (``make restore-drill``) loses a domain's database, then
Redis, and shows the platform brought back to a consistent state with the commands of
``docs/runbooks/disaster-recovery.md``, measuring what was lost (RPO) and how long it
took (RTO). A drill is not a benchmark and not a unit test: it starts real processes
on PostgreSQL and a Redis of its own, and fails loudly when anything stays inconsistent.
"""
