"""Passport: competencies, learning passports and verifiable credentials."""
