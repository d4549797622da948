"""Every ``manage.py`` line of the README, run verbatim in a new terminal after ``make setup``.

A fresh clone (the repository's tracked files, with the shared virtualenv) is set up the
way ``make run`` does it — ``make setup``: local settings, every database migrated, demo
data — and then each ``.venv/bin/python manage.py ...`` line of the README's code blocks
runs through ``bash`` in an environment holding only ``PATH`` and ``HOME``: no
``DJANGO_*``, no ``SECRET_KEY``, no ``DEBUG``, as in a terminal someone just opened.
The bus commands first run without ``REDIS_URL`` (they must say so in one line, no
traceback), then with it (as the README says: "with Redis configured").
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.processes import REPO, free_port, wait_until

README = REPO / "README.md"
BUS_COMMANDS = ("relay_events", "consume_events", "eventbus_lag", "eventbus_deadletters")
#: ``make run PORT=...`` (the README: "HOST and PORT override the address").
RUN_PORT = 8613
#: Workers: they run until stopped, so they are started, seen working, then stopped.
LONG_RUNNING = ("relay_events", "consume_events")


def readme_manage_lines() -> list[str]:
    """The ``manage.py`` lines of the README's shell code blocks, in order."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(), flags=re.S | re.M)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if "manage.py" in line and not line.lstrip().startswith("#")
    ]


def _fresh_env(home: Path, **extra: str) -> dict[str, str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8", **extra}
    assert not any(k.startswith(("DJANGO", "SECRET", "DEBUG", "DATABASE_")) for k in env)
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A copy of the tracked files, set up with ``make setup`` in a fresh environment,
    with the reference legacy service running where the local settings point."""
    root = tmp_path_factory.mktemp("fresh-clone")
    repo = root / "repo"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO / name.decode()
        if source.is_file():
            target = repo / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (repo / ".venv").symlink_to((REPO / ".venv").resolve())
    home = root / "home"
    home.mkdir()
    legacy_port = free_port()
    legacy = subprocess.Popen(
        [sys.executable, "-m", "legacy_adapter.reference_service", "--port", str(legacy_port),
         "--db", str(root / "legacy.sqlite3")],
        cwd=repo, env=_fresh_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        setup = subprocess.run(
            ["make", "-o", ".venv/.installed-runtime", "setup", f"LEGACY_PORT={legacy_port}",
             f"PORT={RUN_PORT}"],
            cwd=repo, env=_fresh_env(home), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        yield repo, home
    finally:
        legacy.terminate()
        legacy.wait(timeout=30)


def _run(line: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", line], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


def _run_worker(line: str, repo: Path, env: dict[str, str]) -> str:
    """Start a worker line, wait for its first line of output, stop it with SIGTERM.

    ``PYTHONUNBUFFERED`` stands in for the terminal: there, output is line-buffered."""
    process = subprocess.Popen(
        ["bash", "-c", f"exec {line}"], cwd=repo, env={**env, "PYTHONUNBUFFERED": "1"},
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        first = wait_until(lambda: not lines.empty(), timeout=120, what=f"{line!r} to start")
        first = lines.get()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]
    return first


def test_the_readme_shows_its_commands_in_code_blocks():
    lines = readme_manage_lines()
    names = {line.split("manage.py", 1)[1].split()[0] for line in lines}
    assert {"rotate_signing_keys", "lrs_client", "governance_register", "legacy_sync",
            "gateway_routes", *BUS_COMMANDS} <= names  # fmt: skip
    # The README mentions no manage.py command outside a code block that a reader
    # would have to complete (placeholders such as <name>).
    assert not any("<" in line.split("#", 1)[0] for line in lines)


def test_every_readme_manage_line_works_in_a_fresh_terminal(clone):
    repo, home = clone
    env = _fresh_env(home)
    lines = readme_manage_lines()
    failures = []
    for line in lines:
        if any(f"manage.py {name}" in line for name in BUS_COMMANDS):
            continue
        result = _run(line, repo, env)
        if result.returncode != 0:
            failures.append(f"{line}\n{result.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)


def test_bus_commands_without_redis_say_so_in_one_line(clone):
    repo, home = clone
    env = _fresh_env(home)
    for line in readme_manage_lines():
        if not any(f"manage.py {name}" in line for name in BUS_COMMANDS):
            continue
        result = _run(line, repo, env)
        assert result.returncode != 0, line
        assert "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "REDIS_URL is not set" in result.stderr


def test_bus_commands_with_redis_work_verbatim(clone):
    repo, home = clone
    env = _fresh_env(home, REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    for line in readme_manage_lines():
        if not any(f"manage.py {name}" in line for name in BUS_COMMANDS):
            continue
        if any(f"manage.py {name}" in line for name in LONG_RUNNING):
            assert _run_worker(line, repo, env).strip(), line
        else:
            result = _run(line, repo, env)
            assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"


def test_links_in_mails_and_the_demo_point_where_make_run_serves(clone):
    """``make run PORT=8613``: the verification and reset links (and the demo's credential
    links) went to :8000, where nothing of this run answers."""
    repo, home = clone
    line = (
        ".venv/bin/python manage.py shell -c 'from django.conf import settings; "
        "print(settings.IDENTITY_FRONTEND_URL, settings.PASSPORT_PUBLIC_ORIGIN)'"
    )
    result = _run(line, repo, _fresh_env(home))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].split() == [f"http://127.0.0.1:{RUN_PORT}"] * 2
