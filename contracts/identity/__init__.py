"""Events the identity domain publishes: members joining, roles granted and revoked."""
