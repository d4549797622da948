"""Cost of authentication per request, and login throughput with the Argon2 parameters.

1. ``access_token_verify`` alone (EdDSA signature + claims, JWKS cached): µs per call.
2. The same public DRF endpoint (``GET /api/v1/learning/activities``, one small query)
   called in process without credentials (the baseline) and with a bearer token, so
   the difference is what verifying a token adds to a request; then with the rate
   limit on too (Redis-backed counters) when ``REDIS_URL`` is set.
3. Logins per second (``POST /api/v1/identity/auth/login``: Argon2 verify, token pair,
   refresh-token row), sequential and with two threads, beside raw Argon2 verifies
   per second with the same parameters.

Run: ``.venv/bin/python bench/token_verification.py [--requests 3000] [--logins 40]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates its own databases ``benchidn_<alias>``,
dropped and recreated on every run; REDIS_URL optional).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import ALIASES, bench_environment, machine, recreate_databases

PREFIX = "benchidn_"
PASSWORD = "bench-password-for-logins-42"  # noqa: S105 - the benchmark's throwaway account


def _fresh_databases() -> None:
    recreate_databases(*(f"{PREFIX}{alias}" for alias in ALIASES))


def _interleaved_us(variants: dict, count: int, rounds: int = 7) -> dict[str, float]:
    """Median µs per call of each variant, measured in alternating rounds so that
    background load on the machine hits every variant alike."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            started = time.perf_counter()
            for _ in range(count):
                fn()
            samples[name].append((time.perf_counter() - started) / count * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    env = bench_environment(DATABASE_NAME_PREFIX=PREFIX, LOG_LEVEL="ERROR")
    os.environ.update(env, ALLOWED_HOSTS="testserver")
    _fresh_databases()
    import django

    django.setup()
    import argon2
    import jwt
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command
    from django.test import Client, override_settings

    from common.auth.jwks import jwks_cache
    from common.auth.tokens import access_token_verify
    from domains.identity.models import User
    from domains.identity.services.tokens import member_access_token

    call_command("migrate_all", verbosity=0)
    user = User.objects.create_user("bench@example.org", PASSWORD)
    token = member_access_token(user=user)
    jwks = jwks_cache()
    # Baseline: the bare Ed25519 signature check over the same signing input.
    signing_input, _, signature = token.rpartition(".")
    public = jwks.key(jwt.get_unverified_header(token)["kid"]).key
    raw_signature = jwt.utils.base64url_decode(signature)
    verify = _interleaved_us(
        {
            "token": lambda: access_token_verify(
                token, audiences=[settings.AUTH_AUDIENCE], jwks=jwks
            ),
            "ed25519": lambda: public.verify(raw_signature, signing_input.encode()),
        },
        args.requests,
    )

    client, url = Client(), "/api/v1/learning/activities"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def without_limits(**headers):
        with override_settings(RATELIMIT_ENABLE=False):
            return client.get(url, **headers)

    def with_limits(**headers):
        with override_settings(RATELIMIT_DEFAULT_RATE="100000000/m"):
            return client.get(url, **headers)

    if {without_limits().status_code, without_limits(**auth).status_code} != {200}:
        raise SystemExit(f"{url} does not answer 200 with and without the token.")
    variants = {
        "no credentials (baseline)": without_limits,
        "bearer token, JWKS cached": lambda: without_limits(**auth),
    }
    if settings.REDIS_URL:
        variants["bearer token + rate limit (Redis)"] = lambda: with_limits(**auth)
    rows = list(_interleaved_us(variants, args.requests // 10).items())
    no_auth = rows[0][1]

    hasher = get_hasher("default")
    encoded = user.password
    raw = argon2.PasswordHasher(
        time_cost=hasher.time_cost, memory_cost=hasher.memory_cost, parallelism=hasher.parallelism
    )
    raw_hash = raw.hash(PASSWORD)
    started = time.perf_counter()
    for _ in range(args.logins):
        raw.verify(raw_hash, PASSWORD)
    argon_per_s = args.logins / (time.perf_counter() - started)

    body = {"email": "bench@example.org", "password": PASSWORD}

    def login(_=None):
        response = Client().post(
            "/api/v1/identity/auth/login", body, content_type="application/json"
        )
        if response.status_code != 200:
            raise SystemExit(f"login failed: {response.content!r}")

    with override_settings(RATELIMIT_ENABLE=False):
        started = time.perf_counter()
        for _ in range(args.logins):
            login()
        sequential = args.logins / (time.perf_counter() - started)
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(login, range(args.logins)))
        threaded = args.logins / (time.perf_counter() - started)

    print(f"machine: {machine()}")
    print("command: .venv/bin/python bench/token_verification.py "
          f"--requests {args.requests} --logins {args.logins}")  # fmt: skip
    print(f"\n{'access_token_verify (EdDSA, JWKS cached)':44} {verify['token']:10.1f} µs/token")
    print(f"{'bare Ed25519 signature check (baseline)':44} {verify['ed25519']:10.1f} µs  "
          f"ratio {verify['token'] / verify['ed25519']:.2f}")  # fmt: skip
    print(f"\n{'GET ' + url:44} {'µs/request':>10} {'vs baseline':>12}")
    for label, value in rows:
        print(f"{label:44} {value:10.1f} {value - no_auth:+11.1f}")
    print(f"\nArgon2 parameters: time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB "
          f"parallelism={hasher.parallelism}; stored hash {encoded.split('$', 2)[1]}")  # fmt: skip
    print(f"{'raw argon2 verify (baseline)':44} {argon_per_s:10.1f} /s")
    print(f"{'logins, sequential':44} {sequential:10.1f} /s  ratio {sequential / argon_per_s:.2f}")
    print(f"{'logins, 2 threads':44} {threaded:10.1f} /s  ratio {threaded / argon_per_s:.2f}")


if __name__ == "__main__":
    main()
