"""Published event contracts per domain, versioned (``v1``, ``v2``), pure Python (no Django).

The only thing domains share: a domain publishes its events here and others consume
them, so no domain imports another.

- ``envelope``: the ``Envelope`` every event travels in, and UUIDv7 event ids.
- ``events``: the ``Event`` base class, ``envelope_for`` (produce) and ``decode`` (consume).
- ``registry``: every published (type, version); ``load_all`` imports every domain module.
- ``<domain>/v<N>.py``: the events a domain publishes, one module per version.
- ``schema``, ``compatibility``, ``snapshot``: the JSON Schema of each contract, the rules
  a new schema must keep against a published one, and the committed snapshots
  (``schemas/<type>.v<N>.json``) the test suite holds every contract against.

A published contract only grows: the test suite holds every version of a type against
the snapshots of that version and of every earlier one, so a change may add optional
fields and nothing else (removing or retyping a field or adding a required one fails).
A new version (a new ``v<N>`` module; the earlier ones stay published) is for producers
to say they fill the new fields. Then ``python -m contracts.snapshot`` writes the new
snapshot; commit it.
"""
