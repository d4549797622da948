"""A stand-in for the legacy monolith, for development, demos and tests only.

The real legacy system is not in this repository; production points ``LEGACY_BASE_URL``
at it. This small WSGI app (standard library only, its own SQLite file) speaks the
legacy API's shapes so the gateway and the anti-corruption layer have something real
to route to and translate: numeric ids, its own field names (``user_no``, ``seats``),
ratings on a 1-10 scale, local-time date strings (``28.11.2026 10:15`` in
``Europe/Paris``), lists as ``{"total", "items"}`` and errors as
``{"error": {"code", "message"}}``.

It also has a ``/_control`` endpoint that makes it slow or failing on purpose, so the
client's timeouts, retries and circuit breaker are tested against a real process.
"""
