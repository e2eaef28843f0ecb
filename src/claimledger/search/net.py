"""A total deadline around network work, on top of the resolver's per-request timeouts and retries.

``requests`` timeouts bound each socket read, not a whole request (a server that
trickles one byte a second never times out) and not a paged search of many
requests. :func:`within` runs the work in a daemon thread and waits at most the
remaining time; when it is up, the client's stop event is set (so no further
request or back-off sleep starts) and :class:`DeadlineExceeded` is raised. Nothing
is written by the caller after that, so a late answer can change nothing.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from ..resolve.config import ResolveError, number_setting

T = TypeVar("T")
DEFAULT_DEADLINE = 300.0
"""Seconds one command may spend on the network in total (``$CLAIMLEDGER_DEADLINE``)."""


class DeadlineExceeded(ResolveError):
    """The network work did not finish within the total deadline; nothing was written."""


def deadline_seconds(value: float | None = None, environ=None) -> float:
    """The total deadline: ``value``, else ``$CLAIMLEDGER_DEADLINE``, else :data:`DEFAULT_DEADLINE`."""
    if value is not None:
        return float(value)
    seconds = number_setting(os.environ if environ is None else environ, "CLAIMLEDGER_DEADLINE", DEFAULT_DEADLINE)
    if seconds <= 0:
        raise ResolveError(f"$CLAIMLEDGER_DEADLINE is {seconds:g}; it must be above 0. Fix: set it to seconds, e.g. 300.")
    return seconds


def within(seconds: float, work: Callable[[], T], stop: threading.Event, what: str, consequence: str = "nothing was written") -> T:
    """``work()``, or :class:`DeadlineExceeded` once ``seconds`` have passed (``stop`` is set then)."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as err:  # noqa: BLE001 -- handed over to the caller's thread and raised there
            box["error"] = err

    thread = threading.Thread(target=run, name="claimledger-network", daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        stop.set()
        raise DeadlineExceeded(f"{what} did not finish within the deadline of {seconds:g} s "
                               f"(stopped after {time.monotonic() - started:.1f} s); {consequence}. "
                               "Fix: try again later, narrow the query, or raise $CLAIMLEDGER_DEADLINE.")
    if "error" in box:
        raise box["error"]
    return box["value"]
