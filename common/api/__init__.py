"""API conventions every domain follows: problem+json errors and pagination."""
