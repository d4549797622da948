"""Passport rules that need no framework."""
