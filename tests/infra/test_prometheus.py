"""Prometheus alert and recording rules, checked and unit-tested by the real promtool.

`promtool check rules` parses every expression and template; `promtool test rules` runs
deploy/observability/prometheus/tests/alerts_test.yml, in which every alert has its own
test group proving its labels (severity, team: what Alertmanager routes on) and rendered
annotations. The PrometheusRule the cluster loads is rendered from the same files.
"""

from __future__ import annotations

import pytest
import yaml

from tests.infra.tools import REPO_ROOT, run, system_tool

PROMETHEUS = REPO_ROOT / "deploy" / "observability" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
ALERT_TESTS = PROMETHEUS / "tests" / "alerts_test.yml"
# The alerts the observability issue asks for, by what they watch.
REQUIRED_ALERTS = {
    "HighErrorRate",  # error rate
    "HighLatency",  # latency
    "NotReady",  # readiness
    "EventBusConsumerLag",  # bus lag
    "EventBusDeadLetters",  # dead letters
    "EventBusStreamLoss",  # Redis lost what the bus had put there
    "CircuitBreakerOpen",  # breaker open
    "LegacyFallbackActive",  # legacy fallback
    "RateLimitingActive",  # rate limiting active
    "LoadSheddingActive",  # load shedding
}
SEVERITIES = {"critical", "warning", "info"}
TEAMS = {"platform", "identity", "learning", "reputation", "passport", "governance", "marketplace"}


def promtool(*args: str):
    return run([system_tool("promtool"), *args], timeout=120)


def alert_rules() -> list[dict]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_rules_pass_promtool_check():
    assert RULE_FILES
    result = promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_unit_tests_pass():
    result = promtool("test", "rules", str(ALERT_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_every_alert_has_its_own_unit_test():
    tests = yaml.safe_load(ALERT_TESTS.read_text())["tests"]
    tested = {case["alertname"] for test in tests for case in test["alert_rule_test"]}
    firing = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    names = {rule["alert"] for rule in alert_rules()}
    assert names >= REQUIRED_ALERTS
    assert tested == names
    assert firing == names, "each alert needs a test where it fires"


def test_every_alert_is_routable_and_documented():
    for rule in alert_rules():
        labels, annotations = rule["labels"], rule["annotations"]
        assert labels["severity"] in SEVERITIES, rule["alert"]
        team = labels["team"]
        assert team in TEAMS or "{{" in team, rule["alert"]
        assert {"summary", "description", "runbook_url"} <= set(annotations), rule["alert"]
        anchor = annotations["runbook_url"].rsplit("#", 1)[1]
        runbook = (REPO_ROOT / "docs/runbooks/alerts.md").read_text()
        assert f"## {rule['alert']}" in runbook and anchor == rule["alert"].lower()


def test_promtool_rejects_a_broken_rule(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "groups:\n  - name: g\n    rules:\n"
        "      - alert: Broken\n        expr: sum by (service (rate(x[5m]))\n"
        "        labels: {severity: critical}\n"
        "        annotations: {summary: '{{ $labels.service '}\n"
    )
    result = promtool("check", "rules", str(broken))
    assert result.returncode != 0


def test_promtool_test_catches_a_wrong_expectation(tmp_path):
    """The unit tests would catch a changed threshold or label: flip one expectation."""
    tests = yaml.safe_load(ALERT_TESTS.read_text())
    tests["rule_files"] = [str((ALERT_TESTS.parent / f).resolve()) for f in tests["rule_files"]]
    case = next(t for t in tests["tests"] if t["name"] == "HighErrorRate")
    case["alert_rule_test"][-1]["exp_alerts"][0]["exp_labels"]["team"] = "learning"
    mutated = tmp_path / "alerts_test.yml"
    mutated.write_text(yaml.safe_dump(tests))
    result = promtool("test", "rules", str(mutated))
    assert result.returncode != 0
    assert "HighErrorRate" in result.stdout + result.stderr


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_files_are_in_the_cluster_prometheus_rule(path):
    rendered = yaml.safe_load(
        (REPO_ROOT / "deploy/observability/k8s/prometheus-rule.yaml").read_text()
    )
    for group in yaml.safe_load(path.read_text())["groups"]:
        assert group in rendered["spec"]["groups"], "run deploy/k8s/generate.py"
