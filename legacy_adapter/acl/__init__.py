"""The anti-corruption layer: legacy payloads in the new API's terms, and back.

Domains never see legacy shapes. The new shapes are the ones the domains publish in
the OpenAPI schema (``/api/schema/``); the legacy shapes are the legacy API contract
(see ``legacy_adapter.reference_service``).
"""
