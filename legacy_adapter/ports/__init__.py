"""Branch by abstraction: one port per capability under migration, two implementations.

Each module here is one capability: a ``Protocol`` (the port, in the new API's shapes),
a legacy implementation (the legacy API through the client and the ACL), a new one
(the owning domain's published endpoints, called in process through Django's URL
resolver, so no domain is imported), and a chooser that reads ``LEGACY_PORTS`` at run
time. Both implementations of a port pass the same contract suite (tests/legacy).

Shared by every capability: ``new_side`` (the in-process call of a published endpoint,
with the caller's ``Authorization``), ``refusals`` (one exception per capability, the
same ``kind`` whichever side refused) and ``choice`` (reading ``LEGACY_PORTS``).
"""
