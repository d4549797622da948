"""Authentication and authorisation every process shares, with no domain knowledge:
local verification of identity's access tokens against a cached JWKS, the principal
built from their claims, declared permissions, and rate limits."""
