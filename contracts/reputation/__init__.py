"""Events the reputation domain publishes: ratings given and reputation recomputed."""
