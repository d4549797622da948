"""Marketplace rules that need no framework."""
