"""The xAPI 1.0.3 LRS's HTTP surface under /xapi/ (docs/xapi.md)."""
