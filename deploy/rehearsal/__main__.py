"""``make rehearse ENV=dev``: the Kubernetes overlay, rendered and run with Podman.

    python -m deploy.rehearsal --env dev [--image IMAGE] [--keep] [--static-only]

1. ``kubectl kustomize deploy/k8s/overlays/<env>``; the plan (deploy/rehearsal/plan.py).
2. Static checks (checks.py); any failure stops here, naming the process and cause.
3. Stand-ins with TLS from a CA made for this run: PostgreSQL (verify-full), Redis (TLS
   only); an SMTP and OTLP/HTTP sink; the legacy reference service.
4. Secrets from the local stand-in store, with the keys the ExternalSecrets name.
5. The sync hooks' pods (the migration Job), which must succeed, then every Deployment
   and StatefulSet with ``podman kube play``; Services as network aliases; every probe
   run as declared; a failing one stops the run with the container's log tail.
6. The public routes through nginx, generated from the HTTPRoutes; Prometheus and
   Alertmanager with the rendered rules and routing (alerting.py); the smoke journey.
7. Every connection seen (SYNs on the network, PostgreSQL's session log) checked against
   the NetworkPolicies and the architecture; no HTTP request in clear text to a part.
8. What was not exercised, then teardown of everything created; then the restore drill.

TLS between parts (certificates.py): the rehearsal issues the manifests' Certificates from
its CA as cert-manager would; after the rollout every caller calls every Service it uses
with the app's own client (a refused certificate fails the run, naming both), and
Prometheus scrapes every part, workers included, over HTTPS verified against the CA; a
web part's and a worker's short-lived certificates are renewed mid-run and must be served
without a restart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from deploy.rehearsal import alerting, certificates, checks, drill, plan, runner
from deploy.rehearsal.manifests import Manifests, render
from deploy.rehearsal.policy import Peer, verdict
from deploy.rehearsal.store import MIGRATE_ROLE

REPO = Path(__file__).resolve().parents[2]
# Beyond what podman ignores (plan.NOT_PLAYED): what no run on one machine can show.
CANNOT = [
    "real cloud load balancers (OVHcloud LB in front of Envoy's Service) and client IPs",
    "Envoy Gateway itself (nginx plays the Gateway's listeners and routes)",
    "cert-manager issuing a certificate (HTTP-01 against Let's Encrypt; the internal CA "
    "Issuer's certificates are written by the rehearsal as cert-manager would)",
    "Envoy's BackendTLSPolicy handling (nginx verifies the backends as the policies say)",
    "node failures, pod rescheduling, HPA scaling, rolling updates",
    "NetworkPolicy enforcement by a CNI (connections are recorded and evaluated instead)",
    "OVHcloud managed PostgreSQL/Valkey (stand-ins with the same TLS verification)",
    "External Secrets Operator and OVHcloud Secret Manager (a local store renders the same keys)",
    "the Prometheus Operator (a Prometheus configured from the ServiceMonitors plays it)",
    "Alertmanager's real receivers: Slack, PagerDuty, SMTP (a recorder takes Slack's webhook)",
    "the OpenTelemetry Collector (a sink receives OTLP)",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m deploy.rehearsal", description=__doc__)
    parser.add_argument("--env", default=os.environ.get("ENV", "dev"))
    parser.add_argument(
        "--image", default=os.environ.get("PLATFORM_IMAGE", "localhost/platform:local")
    )
    parser.add_argument(
        "--standin-prefix",
        default=os.environ.get("IMAGE_PREFIX", "localhost/platform-standin-"),
        help="tag prefix of the stand-in service images (scripts/image/service-images.sh)",
    )
    parser.add_argument(
        "--prefix",
        default=os.environ.get("REHEARSAL_PREFIX", "rehearsal-"),
        help="name prefix of every pod, container, volume and network created",
    )
    parser.add_argument(
        "--proxy-image",
        default=os.environ.get("PROXY_IMAGE", ""),
        help="the nginx stand-in (default <standin-prefix>nginx:bookworm, built when missing)",
    )
    parser.add_argument("--kubectl", default=os.environ.get("KUBECTL", "kubectl"))
    parser.add_argument(
        "--overlay", type=Path, help="another overlay directory (default deploy/k8s/overlays/ENV)"
    )
    parser.add_argument(
        "--skip-static",
        action="store_true",
        help="run even when the static checks fail (to see what the running pods show)",
    )
    parser.add_argument(
        "--probe-timeout-scale",
        type=float,
        default=float(os.environ.get("REHEARSAL_PROBE_TIMEOUT_SCALE", "1")),
        help="stretch every probe's timeoutSeconds (only for a machine loaded far beyond its "
        "cores; printed in the summary; 1 = as declared)",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=int(os.environ.get("REHEARSAL_PARALLEL", "2")),
        help="pods starting at the same time (a cluster has more nodes than this machine)",
    )
    parser.add_argument(
        "--app-roles-may-create",
        action="store_true",
        help="let the app roles CREATE in their schema (production's grants do not; printed "
        "in the summary): to see past the event store creating its tables at run time",
    )
    parser.add_argument(
        "--tls-from-another-ca",
        metavar="SERVICE",
        default="",
        help="issue this Service's certificate from a CA nobody trusts (its callers must "
        "refuse it and the run must fail)",
    )
    parser.add_argument(
        "--rotate",
        metavar="SERVICES",
        default="identity,relay",
        help="the Services (comma-separated) given a short-lived certificate, renewed mid-run "
        "('' for none); by default a web part's and a worker's",
    )
    parser.add_argument(
        "--no-drill", action="store_true", help="skip the restore drill after the rehearsal"
    )
    parser.add_argument("--keep", action="store_true", help="leave everything running")
    parser.add_argument("--static-only", action="store_true")
    parser.add_argument("--no-journey", action="store_true")
    parser.add_argument(
        "--no-alerting", action="store_true", help="no Prometheus/Alertmanager (alerting.py)"
    )
    return parser.parse_args(argv)


def ensure_nginx_image(podman: runner.Podman, image: str) -> None:
    if podman("image", "exists", image, check=False).returncode == 0:
        return
    runner.log(f"building the nginx stand-in {image} (Debian nginx-light)")
    args = ["build", "--pull=never", "--network", "host", "-t", image]
    if Path("/etc/ssl/certs/ca-certificates.crt").is_file():
        args += ["-v", "/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro"]
    podman(*args, str(Path(__file__).parent / "images" / "nginx"), timeout=900)


def check_connections(rehearsal: runner.Rehearsal, manifests: Manifests, built) -> list[str]:
    """Every recorded connection, as production would see it, against the policies."""
    policies = list(manifests.of("NetworkPolicy").values())
    namespaces = manifests.namespace_labels()
    pods = {w.part: checks.pod_peer(manifests, w) for w in [*built.hooks, *built.workloads]}
    data = Peer("managed-data", ip=checks.data_network_host(rehearsal.env))
    common = manifests.of("ConfigMap")["platform-common"]["data"]
    legacy_port = 443 if common.get("LEGACY_BASE_URL", "").startswith("https") else 80
    sources = {**pods, "gateway-proxy": checks.ENVOY, "prometheus": checks.PROMETHEUS}
    failures, table = [], []
    for src, dst, port in rehearsal.connections():
        if dst.startswith("monitoring-"):
            table.append(f"  {src} -> {dst}:{port}  (the monitoring namespace's own traffic)")
            continue
        if src in ("kubelet",) or src not in sources:
            table.append(f"  {src} -> {dst}:{port}  (not a pod: not subject to policies)")
            continue
        target = {
            "postgresql": (data, 5432),
            "valkey": (data, 6379),
            "legacy": (checks.LEGACY, legacy_port),
        }.get(dst)
        if dst == "sink":
            target = (
                (checks.COLLECTOR, port)
                if port == runner.SINK_OTLP
                else (checks.SMTP_RELAY, int(common.get("EMAIL_PORT", 25)))
            )
        elif dst == "host" and port == 53:
            target = (Peer("kube-dns", "kube-system", {"k8s-app": "kube-dns"}), 53)
        elif dst in pods:
            target = (pods[dst], port)
        if target is None:
            failures.append(f"[connections] {src} -> {dst}:{port}: an unknown destination")
            continue
        result = verdict(policies, namespaces, sources[src], target[0], target[1])
        table.append(f"  {src} -> {dst}:{port}  as {target[0].name}:{target[1]}: {result.reason}")
        if not result.allowed:
            failures.append(f"[connections] {src} -> {dst}:{port}: {result.reason}")
    aliases = {
        name.removesuffix("-secrets"): {
            d["secretKey"].removeprefix("DATABASE_URL_").lower()
            for d in doc["spec"].get("data", [])
            if d["secretKey"].startswith("DATABASE_URL_")
        }
        for name, doc in manifests.of("ExternalSecret").items()
    }
    sessions = rehearsal.database_sessions()
    for part, role, database, tls in sessions:
        alias = database.removeprefix("platform_")
        if not tls:
            failures.append(f"[database] {part} -> {database} as {role}: without TLS")
        if role == MIGRATE_ROLE:
            if part != "migrate":
                failures.append(f"[database] {part} used the migration role on {database}")
        elif part not in aliases or alias not in aliases[part]:
            failures.append(
                f"[database] {part} reached {database} ({role}): not one of its databases "
                f"({', '.join(sorted(aliases.get(part, []))) or 'none'})"
            )
    table.append(
        f"  PostgreSQL sessions: {len(sessions)}, all TLS: {all(t for *_, t in sessions)}; "
        + ", ".join(sorted({f"{p}->{d}" for p, _, d, _ in sessions}))
    )
    print("connections recorded (source -> destination:port, as production sees it):")
    print("\n".join(table), flush=True)
    return failures


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    overlay = (args.overlay or REPO / "deploy" / "k8s" / "overlays" / args.env).resolve()
    manifests = Manifests.parse(render(overlay, args.kubectl))
    built = plan.build(manifests)
    runner.log(
        f"rendered {overlay}: {len(built.hooks)} hook(s), "
        f"{len(built.workloads)} workloads, {len(built.services)} Service ports, "
        f"{len(built.routes)} route rules"
    )
    failures = [*checks.run_all(manifests, built, args.env)]
    failures += certificates.check_static(manifests, built)
    for failure in failures:
        print(f"FAIL {failure}", flush=True)
    if failures and not args.skip_static:
        runner.log(f"static checks failed ({len(failures)}): nothing was started")
        return 1
    if not failures:
        runner.log(
            "static checks passed: jwks, probes, otlp, network (required, forbidden edges), "
            "tls (https:// internal URLs, certificates served, HTTPS probes, backend policies, "
            "verified HTTPS scrapes)"
        )
    if args.static_only:
        return 0
    workdir = REPO / "var" / "rehearsal" / args.env
    subprocess.run(["rm", "-rf", str(workdir)], check=True)  # noqa: S603,S607
    workdir.mkdir(parents=True)
    podman = runner.Podman(runner.write_conf(workdir / "containers.conf"), args.prefix)
    if podman("image", "exists", args.image, check=False).returncode != 0:
        runner.log(f"image {args.image} is missing: run `make image` first")
        return 1
    proxy_image = args.proxy_image or f"{args.standin_prefix}nginx:bookworm"
    ensure_nginx_image(podman, proxy_image)
    rehearsal = runner.Rehearsal(
        manifests, built, args.env, args.image, args.standin_prefix, podman, workdir, args.keep
    )
    rehearsal.proxy_image = proxy_image
    rehearsal.timeout_scale = args.probe_timeout_scale
    rehearsal.app_may_create = args.app_roles_may_create
    rotated = tuple(filter(None, (s.strip() for s in args.rotate.split(","))))
    rehearsal.tls_options = {"another_ca": args.tls_from_another_ca, "short_lived": rotated}
    summary_scale = {"probe_timeout_scale": args.probe_timeout_scale}
    if args.app_roles_may_create:
        summary_scale["deviation"] = "app roles may CREATE (production's grants do not)"
        runner.log("app roles may CREATE in their schema: NOT production's grants")
    if args.probe_timeout_scale != 1:
        runner.log(f"probe timeouts stretched x{args.probe_timeout_scale} (not as declared)")
    summary: dict = {"env": args.env, "ok": False, **summary_scale}
    try:
        rehearsal.network()
        rehearsal.standins()
        rehearsal.capture()
        plaintext = certificates.PlaintextWatch(rehearsal.bridge, workdir / "plaintext.log")
        plaintext.start()
        rehearsal.run_hooks()
        runner.log(
            "images: " + ", ".join(f"{k} played as {v}" for k, v in rehearsal.images.items())
        )
        rehearsal.rollout(args.parallel)
        certificates.verify_callers(rehearsal)
        # Prometheus, the workers' one caller, before the renewals (a refused worker is
        # named here, not by the rotation's own handshake).
        rehearsal.scrape()
        if rotated:
            summary["rotation"] = [certificates.rotate(rehearsal, s) for s in rotated]
        rehearsal.start_proxy()
        if not (args.no_journey or args.no_alerting):
            rehearsal.journey_args = alerting.start(rehearsal)
        if not args.no_journey:
            summary["journey"] = rehearsal.run_journey()
            if not summary["journey"].get("ok"):
                print("errors the pods logged:\n" + rehearsal.errors(), flush=True)
        rehearsal.check_probes(final=True)
        summary["readiness_flaps"] = rehearsal.readiness_report()
        failures = check_connections(rehearsal, manifests, built)
        failures += certificates.plaintext_failures(
            plaintext.stop(),
            rehearsal.ips,
            {w.part for w in built.workloads},
            set(certificates.https_ports(manifests, built)),
        )
        for failure in failures:
            print(f"FAIL {failure}", flush=True)
        journey_ok = args.no_journey or summary["journey"].get("ok", False)
        summary["ok"] = not failures and journey_ok
        summary["failures"] = failures
    except runner.RehearsalFailed as exc:
        print(f"FAIL {exc}", flush=True)
        summary["failures"] = [str(exc).splitlines()[0]]
    finally:
        if "plaintext" in locals():
            plaintext.stop()
        rehearsal.teardown()
    if summary["ok"] and not args.no_drill:
        runner.log("restore drill (python -m drills.restore), after the teardown")
        summary["drill"] = drill.run(workdir)
        summary["ok"] = summary["drill"]["ok"]
        if not summary["ok"]:
            print(f"FAIL [drill] {json.dumps(summary['drill'])[:1500]}", flush=True)
    print("not exercised by podman, and what the rehearsal did instead:")
    for kind, what in built.skipped.items():
        print(f"  {kind}: {what}")
    print("not exercised at all: " + "; ".join(CANNOT))
    summary["seconds"] = round(time.monotonic() - started)
    print(json.dumps(summary), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
