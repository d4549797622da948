"""Learning: the xAPI Learning Record Store (statements, activities, documents)."""
