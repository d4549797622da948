"""The strangler gateway: which endpoints legacy still serves, which the new domains do.

It never imports a domain (checked by import-linter): it routes by path and mode.
"""
