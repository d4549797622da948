"""Reputation's REST API, one view per operation."""
