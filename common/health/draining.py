"""The *draining* state: this server has been asked to stop and wants no new traffic.

gunicorn's master receives SIGTERM, but the workers (separate, pre-forked processes)
answer ``/ready``, so the state must cross process boundaries. It is one byte in an
anonymous shared memory mapping (``mmap`` of ``-1``: ``MAP_SHARED | MAP_ANONYMOUS``),
created when this module is first imported. ``config/gunicorn.py`` imports it in the
master before any worker is forked, so every worker — including one re-spawned during
the drain — inherits the *same* page, and a byte the master writes is seen by all of
them at once. Chosen over a marker file: nothing to name, create, clean up or race
with a read-only root filesystem, and nothing left behind after a crash. Outside
gunicorn (``runserver``, tests) nobody raises the flag, so readiness is unaffected.
"""

from __future__ import annotations

import mmap

_flag = mmap.mmap(-1, 1)


def begin() -> None:
    """Enter the draining state (the gunicorn master does this on SIGTERM)."""
    _flag[0] = 1


def is_draining() -> bool:
    return _flag[0] == 1
