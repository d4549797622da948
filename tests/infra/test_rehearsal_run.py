"""The real Kubernetes rehearsal (deploy/rehearsal), with Podman: minutes, marked slow.

``REHEARSAL_IMAGE`` names the platform image (``make image``; default
``localhost/platform:local``) and ``REHEARSAL_STANDIN_PREFIX`` the stand-in service images
(``scripts/image/service-images.sh``). One run of the dev overlay as shipped must pass
end to end; one with a worker's startup probe moved to a port nothing serves, past the
static checks, must fail on the running pod, naming it and showing its log; a web part's
or a worker's certificate from another CA must fail it, naming who refused it.

    REHEARSAL_TESTS=1 .venv/bin/python -m pytest -m slow tests/infra/test_rehearsal_run.py

``REHEARSAL_ARGS`` adds options (e.g. ``--probe-timeout-scale 3 --parallel 1`` on a
machine shared far beyond its cores).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.infra.tools import REPO_ROOT

# Minutes each, and the machine's whole CPU: run on purpose (CI runs `make rehearse`).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("REHEARSAL_TESTS") != "1",
        reason="the real rehearsal takes minutes: REHEARSAL_TESTS=1 runs it",
    ),
]

IMAGE = os.environ.get("REHEARSAL_IMAGE", "localhost/platform:local")
STANDINS = os.environ.get("REHEARSAL_STANDIN_PREFIX", "localhost/platform-standin-")


def rehearse(*args: str) -> tuple[dict, str]:
    if shutil.which("podman") is None or shutil.which("tcpdump") is None:
        pytest.fail("podman and tcpdump are needed: run `make image` and apt-get install tcpdump")
    result = subprocess.run(
        [sys.executable, "-m", "deploy.rehearsal", "--image", IMAGE, "--standin-prefix", STANDINS,
         "--prefix", f"rehearsal-test-{os.getpid()}-",
         *os.environ.get("REHEARSAL_ARGS", "").split(), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=3000, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    summary = json.loads(output.strip().splitlines()[-1])
    return summary, output


def test_the_dev_overlay_comes_up_and_passes_the_journey():
    summary, output = rehearse("--env", "dev")
    assert summary["ok"], output[-6000:]
    assert summary["failures"] == []
    assert summary["journey"]["ok"], output[-6000:]


def test_a_worker_probe_on_the_wrong_port_fails_the_running_rehearsal():
    overlay = REPO_ROOT / "var" / "rehearsal-test-overlay"
    shutil.rmtree(overlay, ignore_errors=True)
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text(
        "resources:\n  - ../../deploy/k8s/overlays/dev\n"
        "patches:\n  - target: {kind: Deployment, name: celery-beat}\n"
        "    patch: |-\n"
        "      - op: replace\n"
        "        path: /spec/template/spec/containers/0/startupProbe/httpGet/port\n"
        "        value: 9200\n"
    )
    try:
        summary, output = rehearse("--env", "dev", "--overlay", str(overlay), "--skip-static")
    finally:
        shutil.rmtree(overlay, ignore_errors=True)
    assert "[probes] celery-beat: startupProbe targets port 9200" in output  # static, reported
    assert not summary["ok"]
    [failure] = summary["failures"]
    assert failure.startswith(
        "probe failure (celery-beat): celery-beat: startupProbe GET :9200/health"
    )
    assert "celery-beat-pod-0-app log tail" in output


def test_a_service_certificate_from_another_ca_is_refused_and_fails_the_rehearsal():
    """identity's certificate from a CA nobody trusts: every part that fetches its JWKS,
    and the gateway, refuse it in their own pods, and the run fails naming them."""
    summary, output = rehearse(
        "--env", "dev", "--tls-from-another-ca", "identity", "--no-journey", "--no-drill",
        "--rotate", "",
    )  # fmt: skip
    assert not summary["ok"]
    for caller in ("gateway", "learning", "reputation", "passport", "governance", "marketplace"):
        assert f"[tls] {caller} -> identity (" in output, output[-6000:]
    assert "CERTIFICATE_VERIFY_FAILED" in output
    assert summary["failures"][0].startswith("[tls] gateway -> identity (")


def test_a_workers_certificate_from_another_ca_fails_the_scrape():
    """relay's certificate from a CA nobody trusts: Prometheus, verifying against the
    internal CA, refuses it before sending the scrape token, and the run fails naming it."""
    summary, output = rehearse(
        "--env", "dev", "--tls-from-another-ca", "relay", "--no-journey", "--no-drill",
        "--rotate", "",
    )  # fmt: skip
    assert not summary["ok"]
    assert summary["failures"][0].startswith("[tls] prometheus -> relay ("), output[-6000:]
    assert "CERTIFICATE_VERIFY_FAILED" in output
