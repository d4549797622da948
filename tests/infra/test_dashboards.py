"""Grafana dashboards: JSON shape and every panel query checked by the real promtool.

There is no Grafana server here, so the dashboards are checked statically: each panel's
PromQL (with Grafana's variables replaced by sample values) goes into a temporary rules
file as a recording rule, and `promtool check rules` parses it. Layout, ids and the
metric names of the contract (docs/observability/metrics.md) are checked by the tests.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.infra.tools import REPO_ROOT, run, system_tool

DASHBOARDS = REPO_ROOT / "deploy" / "observability" / "grafana" / "dashboards"
FILES = sorted(DASHBOARDS.glob("*.json"))
METRICS_DOC = REPO_ROOT / "docs" / "observability" / "metrics.md"
# Grafana's variables, replaced by values promtool can parse.
VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$service": ".*", "$route": ".*"}


def load(path) -> dict:
    return json.loads(path.read_text())


def panels(dashboard: dict) -> list[dict]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def expressions(dashboard: dict) -> list[str]:
    return [t["expr"] for p in panels(dashboard) for t in p["targets"]]


def substitute(expr: str) -> str:
    for name in sorted(VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, VARIABLES[name])
    return expr


def check_exprs(exprs: list[str], tmp_path) -> object:
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:panel_{i}", "expr": substitute(e)}
                    for i, e in enumerate(exprs)
                ],
            }
        ]
    }
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump(rules))
    return run([system_tool("promtool"), "check", "rules", str(path)], timeout=60)


def test_the_three_dashboards_exist():
    assert {p.stem for p in FILES} == {"technical", "business", "migration"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_panel_queries_pass_promtool(path, tmp_path):
    exprs = expressions(load(path))
    assert exprs
    result = check_exprs(exprs, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_rejects_a_broken_panel_query(tmp_path):
    result = check_exprs(["sum(rate(http_requests_total[$__rate_interval])"], tmp_path)
    assert result.returncode != 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_dashboard_shape(path):
    dashboard = load(path)
    assert dashboard["uid"] == f"platform-{path.stem}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert "datasource" in variables
    for panel in panels(dashboard):
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["title"] and panel["targets"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs))
        used = set(re.findall(r"\$(\w+)", " ".join(t["expr"] for t in panel["targets"])))
        assert used - {"__rate_interval", "__interval"} <= variables, panel["title"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_panels_do_not_overlap(path):
    taken: set[tuple[int, int]] = set()
    for panel in load(path)["panels"]:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, panel["title"]
        cells = {
            (x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])
        }
        assert not cells & taken, f"{path.stem}: {panel['title']} overlaps"
        taken |= cells


def test_dashboards_use_only_contract_metrics():
    """Every metric a panel reads is in the contract the app exports."""
    contract = set(re.findall(r"^\| `(\w+)`", METRICS_DOC.read_text(), re.MULTILINE))
    assert contract
    used = set()
    for path in FILES:
        for expr in expressions(load(path)):
            for name in re.findall(
                r"\b([a-z_]+_(?:total|seconds_bucket|lag|messages|state|up|length))\b", expr
            ):
                used.add(name.removesuffix("_bucket"))
    assert used and used <= contract, used - contract


def test_migration_dashboard_shows_progress_and_legacy_usage():
    titles = {p["title"] for p in panels(load(DASHBOARDS / "migration.json"))}
    assert "Share of traffic served by the new code" in titles
    assert any("Legacy usage" in t for t in titles)
    assert any("Shadow mismatch" in t for t in titles)
