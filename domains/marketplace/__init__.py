"""Marketplace: safe learning spaces and their bookings."""
