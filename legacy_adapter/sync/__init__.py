"""Copying legacy data into the domains during the transition: backfill, incremental
sync and reconciliation, per resource, through a sink the owning domain provides."""
