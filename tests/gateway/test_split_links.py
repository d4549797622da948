"""Split mode: links in a domain's answer point at the public origin, not the domain's
internal URL (a real gateway and marketplace process; the route has no translator, so
the domain's paginated body reaches the caller as it is)."""

from __future__ import annotations

import pytest

from domains.marketplace.models import Space
from tests.gateway.test_split_mode import _call, _new_route, _start

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_next_links_are_rewritten_to_the_public_origin(gateway_env, tmp_path):
    for number in range(3):
        Space.objects.create(
            owner_id="5f0c5b8e-0000-4000-8000-000000000001", name=f"Room {number}",
            description="A room.", location="1 Main Street", capacity=4, status="listed",
        )  # fmt: skip
    _new_route("GET", "/api/all-spaces", "/api/v1/marketplace/spaces")
    processes = []
    try:
        marketplace, marketplace_url = _start("marketplace", tmp_path / "marketplace.log")
        processes.append(marketplace)
        gateway, gateway_url = _start(
            "gateway", tmp_path / "gateway.log", LEGACY_BASE_URL=gateway_env.base_url,
            GATEWAY_FLAGS_TTL_SECONDS="0", GATEWAY_NEW_BASE_URLS=f"marketplace={marketplace_url}",
        )  # fmt: skip
        processes.append(gateway)
        status, headers, body = _call("GET", f"{gateway_url}/api/all-spaces?page_size=1")
        assert (status, headers["X-Served-By"]) == (200, "new"), body
        assert body["next"].startswith(f"{gateway_url}/api/v1/marketplace/spaces?"), body
        assert marketplace_url not in str(body)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=60)
