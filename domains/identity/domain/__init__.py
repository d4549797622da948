"""Identity rules that need no framework."""
