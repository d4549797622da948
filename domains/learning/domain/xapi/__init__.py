"""xAPI 1.0.3 rules without a framework: statement validation, agent identifiers,
statement comparison. The LRS's services and views apply them."""
