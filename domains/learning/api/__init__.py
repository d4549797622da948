"""Learning's REST API for the platform's own clients (xAPI lives under /xapi/)."""
