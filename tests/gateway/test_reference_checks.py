"""The start-up checks resolve the strings that couple the gateway and the sync to code."""

import pytest

from gateway.checks import route_reference_errors, sync_sinks_resolve
from gateway.models import Route


def test_every_configured_sink_resolves():
    assert sync_sinks_resolve() == []


def test_a_sink_path_with_a_typo_is_named_at_start_up(settings):
    settings.LEGACY_SYNC_SINKS = {"spaces": "domains.marketplace.sync_sink.SpaceSinkk"}
    (error,) = sync_sinks_resolve()
    assert error.id == "gateway.E001" and "SpaceSinkk" in error.msg


@pytest.mark.django_db(databases=["default"])
def test_routes_with_an_unknown_translator_or_target_are_named(settings):
    settings.GATEWAY_NEW_BASE_URLS = {}
    good = Route.objects.create(
        method="GET", path_pattern="/api/spaces/{id}", legacy_target="/api/spaces/{id}",
        new_target="/api/v1/marketplace/spaces/{id}", translator="spaces.detail",
    )  # fmt: skip
    bad = Route.objects.create(
        method="GET", path_pattern="/api/spacez", legacy_target="/api/spacez",
        new_target="/api/v1/marketplace/spacez", translator="spacez.list",
    )  # fmt: skip
    assert route_reference_errors([good]) == []
    errors = route_reference_errors([bad])
    assert [e.id for e in errors] == ["gateway.E002", "gateway.E003"]
