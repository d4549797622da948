"""Which implementation a port runs: ``LEGACY_PORTS``, validated at start-up, read at run
time by each capability's chooser."""

from __future__ import annotations

import json

import pytest

from legacy_adapter.ports.bookings import LegacyBookings, NewBookings, booking_port
from legacy_adapter.ports.members import LegacyMemberDirectory, NewMemberDirectory, member_directory
from legacy_adapter.ports.proposals import LegacyProposals, NewProposals, proposal_port
from legacy_adapter.ports.ratings import LegacyRatings, NewRatings, rating_port
from legacy_adapter.ports.spaces import LegacySpaceCatalogue, NewSpaceCatalogue, space_catalogue
from tests.processes import clean_environment, run_django

CHOOSERS = {
    "members": (member_directory, LegacyMemberDirectory, NewMemberDirectory),
    "spaces": (space_catalogue, LegacySpaceCatalogue, NewSpaceCatalogue),
    "bookings": (booking_port, LegacyBookings, NewBookings),
    "proposals": (proposal_port, LegacyProposals, NewProposals),
    "ratings": (rating_port, LegacyRatings, NewRatings),
}

SHOW = "import json\nfrom django.conf import settings\nprint(json.dumps(settings.LEGACY_PORTS))"


def start(**env: str):
    return run_django(SHOW, clean_environment(DEBUG="true", **env))


def test_every_capability_is_listed_on_legacy_by_default():
    started = start()
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == dict.fromkeys(
        ("members", "spaces", "bookings", "proposals", "ratings", "learning"), "legacy"
    )


def test_the_environment_switches_the_capabilities_it_names():
    started = start(LEGACY_PORTS="spaces=new, ratings = NEW")
    assert started.returncode == 0, started.stderr
    chosen = json.loads(started.stdout)
    assert (chosen["spaces"], chosen["ratings"], chosen["members"]) == ("new", "new", "legacy")


@pytest.mark.parametrize("value", ["spaces=neu", "spacez=new", "spaces"])
def test_a_wrong_value_stops_start_up_naming_the_variable(value):
    started = start(LEGACY_PORTS=value)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "LEGACY_PORTS" in started.stderr


@pytest.mark.parametrize("capability", CHOOSERS)
def test_the_chooser_follows_the_setting_at_run_time(settings, capability):
    choose, legacy, new = CHOOSERS[capability]
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, capability: "new"}
    assert type(choose()) is new
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, capability: "legacy"}
    assert type(choose()) is legacy
