"""Reputation rules that need no framework."""
