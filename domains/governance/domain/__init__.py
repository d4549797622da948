"""Governance rules that need no framework."""
