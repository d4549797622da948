"""Reputation: ratings between members and the reputation computed from them."""
