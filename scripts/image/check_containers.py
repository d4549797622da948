"""Wait for a compose project's containers and check each platform process in its image.

Podman 4.3 runs no healthcheck by itself without systemd (and podman-compose ignores
``service_healthy`` before Podman 4.6), so this drives every container's own declared
healthcheck (``podman healthcheck run``) until it passes, then checks each platform
process as the manifests run it: uid 10001, a read-only root filesystem, and its
declared probes answering (web parts: ``/health``, ``/ready``, ``/metrics`` on 8000;
workers: the same on ``METRICS_PORT`` 9100).

    python scripts/image/check_containers.py --project P --phase healthy --services "postgres redis"
    python scripts/image/check_containers.py --project P --phase exited --services migrate
    python scripts/image/check_containers.py --project P --phase processes \
        --web "platform" --workers "relay projections"

Each check prints ``pass``/``FAIL``; the exit status is 0 only when all passed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

PATHS = ("/health", "/ready", "/metrics")
# /metrics with the scrape token the container holds (METRICS_TOKEN), as Prometheus sends it.
PROBE = (
    "import os, sys, urllib.request\n"
    "token = {'Authorization': 'Bearer ' + os.environ.get('METRICS_TOKEN', '')}\n"
    "for path in sys.argv[2:]:\n"
    "    url = f'http://127.0.0.1:{sys.argv[1]}{path}'\n"
    "    asked = urllib.request.Request(url, headers=token if path == '/metrics' else {})\n"
    "    with urllib.request.urlopen(asked, timeout=10) as r:\n"
    "        assert r.status == 200, (path, r.status)\n"
)


def podman(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed podman arguments
        ["podman", "--runtime", "runc", *args],  # noqa: S607 - podman from PATH
        capture_output=True, text=True, timeout=timeout, check=False, env=os.environ,
    )  # fmt: skip


def container(project: str, service: str) -> dict | None:
    result = podman(
        "ps", "-a", "--format", "json",
        "--filter", f"label=io.podman.compose.project={project}",
        "--filter", f"label=io.podman.compose.service={service}",
    )  # fmt: skip
    found = json.loads(result.stdout or "[]")
    return found[0] if found else None


def tail(name: str) -> str:
    return podman("logs", "--tail", "30", name).stdout + podman("logs", "--tail", "30", name).stderr


def wait_healthy(project: str, services: list[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pending = set(services)
    while pending and time.monotonic() < deadline:
        for service in sorted(pending):
            found = container(project, service)
            if found is None:
                continue
            name = found["Names"][0]
            if found["State"] == "exited":
                print(f"FAIL {service}: exited ({found.get('ExitCode')})\n{tail(name)}")
                return False
            if found["State"] == "running" and podman("healthcheck", "run", name).returncode == 0:
                print(f"pass {service}: healthy")
                pending.discard(service)
        if pending:
            time.sleep(3)
    for service in sorted(pending):
        found = container(project, service)
        name = found["Names"][0] if found else service
        print(f"FAIL {service}: not healthy within {timeout:.0f} s\n{tail(name)}")
    return not pending


def wait_exited(project: str, service: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = container(project, service)
        if found and found["State"] == "exited":
            name = found["Names"][0]
            code = json.loads(podman("inspect", name).stdout)[0]["State"]["ExitCode"]
            if code == 0:
                print(f"pass {service}: completed (exit 0)")
                return True
            print(f"FAIL {service}: exit {code}\n{tail(name)}")
            return False
        time.sleep(3)
    print(f"FAIL {service}: still running after {timeout:.0f} s")
    return False


def check_process(project: str, service: str, port: int, timeout: float) -> bool:
    found = container(project, service)
    if found is None:
        print(f"FAIL {service}: no container")
        return False
    name = found["Names"][0]
    problems = []
    uid = podman("exec", name, "id", "-u").stdout.strip()
    if uid != "10001":
        problems.append(f"runs as uid {uid!r}, not 10001")
    if podman("exec", name, "touch", "/app/.write-probe").returncode == 0:
        problems.append("the root filesystem is writable")
    for writable in ("/tmp", "/app/var"):  # noqa: S108 - the container's declared mounts
        if podman("exec", name, "touch", f"{writable}/.write-probe").returncode != 0:
            problems.append(f"{writable} (a declared writable mount) is not writable")
    # Until the probes pass, within the bound: a process still opening its connections
    # on a loaded machine is not ready yet, as a kubelet's repeated probe would see.
    deadline = time.monotonic() + timeout
    while True:
        probe = podman("exec", name, "python", "-c", PROBE, str(port), *PATHS)
        if probe.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(3)
    if probe.returncode != 0:
        last = probe.stderr.strip().splitlines()[-1:]
        problems.append(f"probes on {port} still failing after {timeout:.0f} s: {last}")
    if problems:
        print(f"FAIL {service}: " + "; ".join(problems))
        return False
    print(f"pass {service}: uid 10001, read-only root, /health /ready /metrics on {port}")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", required=True)
    parser.add_argument("--phase", choices=("healthy", "exited", "processes"), required=True)
    parser.add_argument("--services", default="")
    parser.add_argument("--web", default="")
    parser.add_argument("--workers", default="")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--probe-timeout",
        type=float,
        default=180,
        help="seconds a process's probes may take to pass",
    )
    args = parser.parse_args()
    services = args.services.split()
    if args.phase == "healthy":
        return 0 if wait_healthy(args.project, services, args.timeout) else 1
    if args.phase == "exited":
        return 0 if all(wait_exited(args.project, s, args.timeout) for s in services) else 1
    bound = args.probe_timeout
    results = [check_process(args.project, s, 8000, bound) for s in args.web.split()]
    results += [check_process(args.project, s, 9100, bound) for s in args.workers.split()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
