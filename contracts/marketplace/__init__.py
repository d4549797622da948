"""Events the marketplace domain publishes: spaces listed and bookings changing state."""
