"""``common.per_process.PerProcess``: a forked worker builds its own values, never uses
its parent's (a shared client's sockets or a semaphore's counts would be wrong)."""

import multiprocessing

from common.per_process import PerProcess

cache: PerProcess[list] = PerProcess()


def _in_child(answers) -> None:
    answers.put((cache.peek("client"), cache.get("client", lambda: ["child's"])))


def test_a_forked_child_starts_empty_and_builds_its_own():
    parents = cache.get("client", lambda: ["parent's"])
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_in_child, args=(answers,))
    child.start()
    seen, built = answers.get(timeout=60)
    child.join(60)
    assert (seen, built) == (None, ["child's"])
    assert cache.get("client", lambda: ["again"]) is parents  # the parent's stays


def test_a_value_that_no_longer_fits_is_built_again():
    limits: PerProcess[tuple[int, object]] = PerProcess()
    first = limits.get("route", lambda: (2, object()), still_valid=lambda v: v[0] == 2)
    assert limits.get("route", lambda: (2, object()), still_valid=lambda v: v[0] == 2) is first
    changed = limits.get("route", lambda: (3, object()), still_valid=lambda v: v[0] == 3)
    assert changed is not first and changed[0] == 3
