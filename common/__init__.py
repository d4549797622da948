"""Cross-cutting code with no domain knowledge: API errors, pagination, health, ops commands."""
