"""Events the governance domain publishes: proposals moving on and decisions recorded."""
