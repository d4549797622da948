"""Learning rules that need no framework."""
