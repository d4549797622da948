"""The OpenTelemetry Collector configuration, checked for consistency.

No Collector binary is available on any registry reachable here (docs/validation.md), so
this is our own check of what `otelcol validate` would reject first: every pipeline names
only declared receivers, processors and exporters, every declared extension is enabled,
and the processors run in the order that protects the process (memory limiter first,
batch last). The same file is deployed in Kubernetes and in the compose stack.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from tests.infra.tools import REPO_ROOT

COLLECTOR = REPO_ROOT / "deploy" / "observability" / "otel-collector"


def load(name: str) -> dict:
    return yaml.safe_load((COLLECTOR / name).read_text())


def merge(base: dict, override: dict) -> dict:
    """The Collector's merge of several --config files: maps merge, lists are replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def problems(config: dict) -> list[str]:
    found = []
    service = config["service"]
    for extension in service.get("extensions", []):
        if extension not in config.get("extensions", {}):
            found.append(f"extension {extension} is not declared")
    for name, pipeline in service["pipelines"].items():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                if component not in config.get(section, {}):
                    found.append(f"{name}: {section[:-1]} {component} is not declared")
        processors = pipeline.get("processors", [])
        if processors and processors[0] != "memory_limiter":
            found.append(f"{name}: memory_limiter must come first")
        if processors and processors[-1] != "batch":
            found.append(f"{name}: batch must come last")
    return found


@pytest.mark.parametrize("files", [["config.yaml"], ["config.yaml", "compose.yaml"]], ids=str)
def test_pipelines_reference_declared_components(files):
    config = load(files[0])
    for override in files[1:]:
        config = merge(config, load(override))
    assert problems(config) == []


def test_the_check_bites():
    config = load("config.yaml")
    config["service"]["pipelines"]["traces"]["exporters"].append("otlp/zipkin")
    config["service"]["pipelines"]["metrics"]["processors"].reverse()
    assert len(problems(config)) == 3


def test_traces_are_tail_sampled_and_go_to_jaeger():
    config = load("config.yaml")
    traces = config["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert "tail_sampling" in traces["processors"]
    assert traces["exporters"] == ["otlp/jaeger"]
    policies = {p["type"] for p in config["processors"]["tail_sampling"]["policies"]}
    assert {"status_code", "latency", "probabilistic"} <= policies


def test_metrics_and_logs_have_their_exporters():
    pipelines = load("config.yaml")["service"]["pipelines"]
    assert "prometheus" in pipelines["metrics"]["exporters"]
    assert "elasticsearch/logs" in pipelines["logs"]["exporters"]
    assert set(load("config.yaml")["receivers"]["otlp"]["protocols"]) == {"grpc", "http"}
