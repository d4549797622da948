"""Alertmanager routing, checked by the real amtool.

`amtool check-config` validates the file; `amtool config routes test --verify.receivers`
proves, for each line of deploy/observability/alertmanager/tests/routes.txt, that a set of
alert labels reaches exactly the receivers named: every severity to its receiver kind
(critical to PagerDuty and Slack, warning to Slack, info to email) for every team.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.infra.test_prometheus import SEVERITIES, TEAMS, alert_rules
from tests.infra.tools import REPO_ROOT, run, system_tool

ALERTMANAGER = REPO_ROOT / "deploy" / "observability" / "alertmanager"
CONFIG = ALERTMANAGER / "alertmanager.yml"
ROUTES = ALERTMANAGER / "tests" / "routes.txt"


def amtool(*args: str):
    return run([system_tool("amtool"), *args], timeout=60)


def route_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for line in ROUTES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            expected, _, labels = line.partition("|")
            cases.append((expected.strip(), labels.split()))
    return cases


def routes_test(config, expected: str, labels: list[str]):
    return amtool(
        "config",
        "routes",
        "test",
        f"--config.file={config}",
        f"--verify.receivers={expected}",
        *labels,
    )


def test_config_passes_amtool_check():
    result = amtool("check-config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize(("expected", "labels"), route_cases(), ids=lambda v: str(v))
def test_route(expected, labels):
    result = routes_test(CONFIG, expected, labels)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_severity_and_team_is_covered():
    covered = set()
    for _, labels in route_cases():
        values = dict(label.split("=", 1) for label in labels)
        covered.add((values.get("severity"), values.get("team")))
    assert {(s, t) for s in SEVERITIES for t in TEAMS} <= covered


def test_receivers_hold_no_credentials():
    config = yaml.safe_load(CONFIG.read_text())
    text = CONFIG.read_text()
    assert "hooks.slack.com" not in text
    assert not re.search(r"(routing_key|service_key|api_url|auth_password):", text)
    kinds = {
        key for receiver in config["receivers"] for key in receiver if key.endswith("_configs")
    }
    assert kinds == {"pagerduty_configs", "slack_configs", "email_configs"}


def test_every_alert_team_has_a_route():
    teams = set()
    for rule in alert_rules():
        team = rule["labels"]["team"]
        teams |= TEAMS if "{{" in team else {team}
    for team in teams:
        result = routes_test(CONFIG, f"slack-{team}", [f"team={team}", "severity=warning"])
        assert result.returncode == 0, team


def test_amtool_rejects_an_undefined_receiver(tmp_path):
    broken = tmp_path / "alertmanager.yml"
    broken.write_text(
        CONFIG.read_text().replace("receiver: slack-identity", "receiver: slack-idenity")
    )
    result = amtool("check-config", str(broken))
    assert result.returncode != 0
    assert "slack-idenity" in result.stdout + result.stderr


def test_route_test_catches_a_wrong_team(tmp_path):
    """A route sending identity's warnings to learning fails its route test."""
    swapped = tmp_path / "alertmanager.yml"
    swapped.write_text(
        CONFIG.read_text().replace("- receiver: slack-identity", "- receiver: slack-learning", 1)
    )
    assert amtool("check-config", str(swapped)).returncode == 0
    result = routes_test(swapped, "slack-identity", ["team=identity", "severity=warning"])
    assert result.returncode != 0
