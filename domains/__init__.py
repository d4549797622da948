"""The six bounded contexts. A domain never imports another (checked by import-linter)."""
