"""A port holds the one implementation the composition root installed, and names
itself when asked before anything was installed (a process that skipped start-up)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from common.ports import Port


def test_a_port_gives_what_was_installed_last():
    port: Port[str] = Port("greeting")
    port.install("hello")
    port.install("bonjour")
    assert port.installed() == "bonjour"


def test_a_port_with_nothing_installed_says_which_and_where_it_comes_from():
    with pytest.raises(ImproperlyConfigured, match=r"No greeting installed: .*compose\(\)"):
        Port("greeting").installed()
