"""Governance: proposals, votes and the decision register."""
