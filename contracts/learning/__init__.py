"""Events the learning domain publishes: xAPI statements recorded and voided."""
