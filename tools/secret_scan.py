"""Find secret values in what ships: the image's build context, a built image's layers,
process logs.

Two detectors, both needed:

- **detect-secrets** (PyPI, Yelp) with the plugins that recognise a credential by its
  shape: private keys, cloud and SaaS tokens, JWTs, URLs with a password. Its entropy and
  keyword heuristics are left out: they flag every hash, fixture and variable name.
  Findings audited as not secret (the development defaults in ``.env.example`` and the
  README) are in ``.secrets.baseline`` (detect-secrets' own format: add one with
  ``detect-secrets audit``), matched by file and hashed value.
- **the platform's own values**: the exact secrets of the environment the check runs in
  (``SECRET_KEY``, passwords and tokens in variables, passwords inside ``*_URL``
  variables, ``.env``, the demo credentials file), which no pattern would recognise. A
  value committed to the repository (the suite's own test key in the Makefile) is a
  published default, not a secret of this environment, and is not looked for.

    python tools/secret_scan.py context [ROOT]        # what `COPY . /app` sends
    python tools/secret_scan.py image IMAGE.tar       # `podman save` archive, every layer
    python tools/secret_scan.py files PATH...         # logs, or any files

Exit status 1 when anything is found; each finding is printed (file, line, kind, never
the value).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / ".secrets.baseline"
PLUGINS = (
    "AWSKeyDetector", "ArtifactoryDetector", "AzureStorageKeyDetector", "BasicAuthDetector",
    "CloudantDetector", "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector",
    "IbmCloudIamDetector", "IbmCosHmacDetector", "JwtTokenDetector", "MailchimpDetector",
    "NpmDetector", "OpenAIDetector", "PrivateKeyDetector", "PypiTokenDetector",
    "SendGridDetector", "SlackDetector", "SoftlayerDetector", "SquareOAuthDetector",
    "StripeDetector", "TelegramBotTokenDetector", "TwilioKeyDetector",
)  # fmt: skip
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(^|_)KEY$|CREDENTIAL|PRIVATE", re.IGNORECASE)
#: Shorter values ("postgres", "admin") are everywhere in code and prove nothing.
MIN_KNOWN_LENGTH = 12
#: Files larger than this are not read (wheels' data files, compiled objects).
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def known_values(environ: dict[str, str] | None = None, root: Path = REPO) -> dict[str, str]:
    """The platform's own secret values in this environment: name -> value."""
    environ = dict(os.environ if environ is None else environ)
    found: dict[str, str] = {}
    env_file = root / ".env"
    if env_file.is_file():
        for line in env_file.read_text(errors="replace").splitlines():
            name, _, value = line.partition("=")
            if value and not line.lstrip().startswith("#"):
                environ.setdefault(name.strip(), value.strip().strip("'\""))
    for name, value in environ.items():
        if SECRET_NAME.search(name) and not name.endswith(("_FILE", "_PATH", "_DIR")):
            found[name] = value
        if name.endswith("_URL") and "://" in value:
            password = urlsplit(value).password
            if password:
                found[f"password in {name}"] = password
    demo = root / "var" / "db" / "demo-credentials.txt"
    if demo.is_file():
        for number, line in enumerate(demo.read_text(errors="replace").splitlines(), 1):
            for word in line.split():
                found[f"demo credential {number}"] = word
    return {
        k: v for k, v in found.items() if len(v) >= MIN_KNOWN_LENGTH and not _committed(v, root)
    }


def _committed(value: str, root: Path) -> bool:
    """Whether ``value`` is in a tracked file of the repository at ``root`` (git grep)."""
    import subprocess

    done = subprocess.run(  # noqa: S603 — fixed arguments, the value is passed as data
        ["git", "-C", str(root), "grep", "--quiet", "--fixed-strings", "-e", value],  # noqa: S607
        capture_output=True, timeout=60,
    )  # fmt: skip
    return done.returncode == 0


def build_context(root: Path = REPO) -> list[Path]:
    """The files `COPY . /app` copies: the context after .dockerignore, as Docker and
    Podman compute it (the Docker SDK's own matcher, no daemon needed)."""
    from docker.utils.build import exclude_paths

    ignore = (root / ".dockerignore").read_text().splitlines()
    included = exclude_paths(str(root), ignore)
    return sorted(
        root / p for p in included if (root / p).is_file() and not (root / p).is_symlink()
    )


def _baseline() -> set[tuple[str, str]]:
    if not BASELINE.is_file():
        return set()
    results = json.loads(BASELINE.read_text())["results"]
    return {
        (filename, item["hashed_secret"])
        for filename, items in results.items()
        for item in items
        if item.get("is_secret") is False
    }


def _scan_detect_secrets(
    path: Path, shown_as: str, audited: set[tuple[str, str]]
) -> Iterator[Finding]:
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    with transient_settings({"plugins_used": [{"name": name} for name in PLUGINS]}):
        for secret in scan_file(str(path)):
            if (shown_as, secret.secret_hash) not in audited:
                yield Finding(shown_as, secret.line_number or 0, secret.type)


def _scan_known(data: bytes, shown_as: str, known: dict[str, bytes]) -> Iterator[Finding]:
    for name, value in known.items():
        at = data.find(value)
        if at >= 0:
            yield Finding(shown_as, data.count(b"\n", 0, at) + 1, f"the value of {name}")


def scan_files(
    paths: Iterable[Path], *, known: dict[str, str], root: Path | None = None
) -> list[Finding]:
    """Both detectors over ``paths`` (shown relative to ``root`` when given)."""
    audited = _baseline()
    known_bytes = {k: v.encode() for k, v in known.items()}
    findings: list[Finding] = []
    for path in paths:
        if path.stat().st_size > MAX_FILE_BYTES:
            continue
        shown_as = str(path.relative_to(root)) if root else str(path)
        findings += _scan_known(path.read_bytes(), shown_as, known_bytes)
        findings += _scan_detect_secrets(path, shown_as, audited)
    return findings


def _layers(archive: Path) -> Iterator[tuple[str, tarfile.TarFile]]:
    """Each layer of a `podman save --format docker-archive` tarball, in order."""
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for image in manifest:
            for layer in image["Layers"]:
                data = outer.extractfile(layer).read()
                with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                    yield layer, tar


def scan_image(archive: Path, *, known: dict[str, str]) -> list[Finding]:
    """Every regular file of every layer (a file deleted in a later layer still ships in
    the earlier one). detect-secrets reads the application's own files (/app, with the
    baseline's audit); the known values are looked for everywhere."""
    audited = _baseline()
    known_bytes = {k: v.encode() for k, v in known.items()}
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory() as scratch:
        for layer, tar in _layers(archive):
            for member in tar:
                if not member.isfile() or member.size > MAX_FILE_BYTES:
                    continue
                data = tar.extractfile(member).read()
                shown_as = f"{layer}:/{member.name}"
                findings += _scan_known(data, shown_as, known_bytes)
                if member.name.startswith("app/"):
                    copy = Path(scratch) / "file"
                    copy.write_bytes(data)
                    for finding in _scan_detect_secrets(
                        copy, member.name.removeprefix("app/"), audited
                    ):
                        findings.append(Finding(shown_as, finding.line, finding.kind))
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    context = sub.add_parser("context")
    context.add_argument("root", nargs="?", type=Path, default=REPO)
    image = sub.add_parser("image")
    image.add_argument("archive", type=Path)
    files = sub.add_parser("files")
    files.add_argument("paths", nargs="+", type=Path)
    options = parser.parse_args(argv)
    known = known_values(root=REPO)
    if options.what == "context":
        root = options.root.resolve()
        findings = scan_files(build_context(root), known=known_values(root=root), root=root)
    elif options.what == "image":
        findings = scan_image(options.archive, known=known)
    else:
        findings = scan_files(options.paths, known=known)
    for finding in findings:
        print(f"secret: {finding}")
    print(
        f"{len(findings)} finding(s); checked for {len(known)} known value(s) "
        f"and {len(PLUGINS)} detect-secrets plugins"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
