"""Published event and query contracts per domain, versioned (``v1``, ``v2``), no Django.

The only thing domains share: a domain publishes its contracts here and others
consume them, so no domain imports another.
"""
