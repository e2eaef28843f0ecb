"""Polite HTTP for the resolver: one session, per-host pacing, timeouts, retries, no leaked keys.

Every request waits for its host's :class:`Pacer`, has a (connect, read)
timeout, and is retried with exponential back-off after a connection error, a
timeout, a 429 (honouring ``Retry-After``) or a 5xx. The retries are our own
loop rather than urllib3's ``Retry`` because each attempt must pass through the
pacer again, and a 429 must slow the host down for the rest of the run; urllib3
retries inside the adapter, out of the pacer's sight.

API keys travel only in request parameters. Error messages are built here from
the status and the server's text with every key value replaced by ``***``, and
the underlying ``requests`` exception is not chained, because its text holds
the full URL, keys included. For the same reason a filter redacts urllib3's
debug log lines while a client is open.
"""
from __future__ import annotations

import email.utils
import json
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from .config import HEADROOM, Config, ResolveError

SENSITIVE_PARAMS = frozenset({"api_key", "email", "mailto"})
"""Query parameters that are stripped from every URL the resolver stores or shows."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(ResolveError):
    """One request that failed for good (after retries); the message is safe to print."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Answer:
    """What one batch request established, identifier by identifier."""

    found: dict[str, dict]
    """Normalised identifier -> record as served."""
    missing: list[str]
    """Identifiers the source says it does not hold."""
    absent: list[str] = field(default_factory=list)
    """Identifiers a cut-short answer says nothing about (a fault: nothing is stored for them)."""
    reason: str = ""
    """Why ``absent`` is not empty."""


class Cancelled(Exception):
    """The run is being stopped (Ctrl-C): no new request is started."""


def sanitize_url(url: str) -> str:
    """``url`` without api_key, email or mailto parameters.

    >>> sanitize_url("https://x.org/works?filter=doi:1&api_key=K&mailto=a@b.c")
    'https://x.org/works?filter=doi:1'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SENSITIVE_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query, safe=":/,|()")))


class Redactor:
    """Replaces every secret value in a text by ``***``."""

    def __init__(self, secrets=()):
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text


def _seconds(interval: str) -> float | None:
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m)?\s*", interval or "")
    if not m:
        return None
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value * 60 if m.group(2) == "m" else value


class Pacer:
    """Spaces the requests to one host so that they stay below its rate limit.

    Each caller reserves the next free slot, so the pacing holds across threads.
    The rate only goes down: when a server advertises a lower limit
    (``x-rate-limit-limit`` per ``x-rate-limit-interval``, as Crossref does), or
    after a 429, which halves it.
    """

    def __init__(self, name: str, rate: float, stop: threading.Event | None = None):
        self.name = name
        self.interval = 1.0 / rate
        self.stop = stop or threading.Event()
        self._next = 0.0
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        return 1.0 / self.interval

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        self.sleep(slot - now)

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up and raise :class:`Cancelled` as soon as the run is stopped."""
        if self.stop.wait(max(seconds, 0.0)) or self.stop.is_set():
            raise Cancelled()

    def adapt(self, headers) -> None:
        limit, interval = headers.get("x-rate-limit-limit"), _seconds(headers.get("x-rate-limit-interval", ""))
        try:
            advertised = float(limit) / interval if limit and interval else None
        except (ValueError, ZeroDivisionError):
            advertised = None
        if advertised and advertised * HEADROOM < self.rate:
            with self._lock:
                self.interval = 1.0 / (advertised * HEADROOM)

    def slow_down(self) -> None:
        with self._lock:
            self.interval *= 2


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _server_text(response: requests.Response, limit: int = 200) -> str:
    text = " ".join((response.text or "").split())
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):  # {"error": ..., "message": ...} (OpenAlex, NCBI) or {"message": [{"message": ...}]} (Crossref)
        parts = []
        for k in ("error", "message"):
            value = body.get(k)
            if isinstance(value, list):
                parts += [str(v.get("message", v)) if isinstance(v, dict) else str(v) for v in value]
            elif value:
                parts.append(str(value))
        text = "; ".join(parts) or text
    return text[:limit] + ("..." if len(text) > limit else "")


def _read_body(response: requests.Response, deadline: float, limit: int) -> requests.Response:
    """Read a streamed answer whole, unless it takes past ``deadline`` or grows past ``limit`` bytes."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(65536):
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise requests.Timeout("deadline")
            if size > limit:
                raise requests.exceptions.ContentDecodingError(f"the answer is larger than {limit:,} bytes")
    finally:
        response.close()
    response._content = b"".join(chunks)  # requests' own attribute: .text and .json() read it
    return response


class _RedactLogs(logging.Filter):
    """Takes key values out of urllib3's debug log lines, which print every request URL."""

    def __init__(self, redact: Redactor):
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), ()
        return True


URLLIB3_LOG = logging.getLogger("urllib3.connectionpool")


class Client:
    """One ``requests.Session`` with a pacer per source and counters of what was sent.

    ``stats[source]`` counts ``requests`` (attempts that reached the server or
    failed to connect), ``rate_limited`` (429 answers) and ``retries``.
    """

    def __init__(self, config: Config, stop: threading.Event | None = None):
        self.config = config
        self.stop = stop or threading.Event()
        self.redact = Redactor(config.secrets)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = config.user_agent
        self.session.headers["Accept"] = "application/json"
        self.pacers: dict[str, Pacer] = {}
        self.run_ends = time.monotonic() + config.run_deadline
        self.stats: dict[str, Counter] = {}
        self._lock = threading.Lock()
        self._log_filter = _RedactLogs(self.redact)
        URLLIB3_LOG.addFilter(self._log_filter)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()
        URLLIB3_LOG.removeFilter(self._log_filter)

    def pacer(self, source: str) -> Pacer:
        with self._lock:
            if source not in self.pacers:
                self.pacers[source] = Pacer(source, self.config.rate(source), self.stop)
                self.stats[source] = Counter(requests=0, rate_limited=0, retries=0)
            return self.pacers[source]

    def _delay(self, attempt: int) -> float:
        return min(self.config.backoff * 2 ** (attempt - 1), self.config.backoff_max)

    def _check_run_deadline(self) -> None:
        if time.monotonic() > self.run_ends:
            raise FetchError(f"the run's deadline ({self.config.run_deadline:g} s, $CLAIMLEDGER_RUN_DEADLINE) passed before this request; "
                             "run `claimledger resolve --online` again to fetch the rest")

    def _send(self, method: str, url: str, params: dict) -> requests.Response:
        """One request with a total deadline: requests' timeout bounds each read, not the whole answer, so the
        request runs in a worker thread that streams the body and gives up at the deadline; the caller stops
        waiting at the deadline even while the server still drips its headers."""
        deadline = min(time.monotonic() + self.config.request_deadline, self.run_ends)
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        box: dict = {}

        def work():
            try:
                kwargs = {"data": params} if method == "POST" else {"params": params}
                response = self.session.request(method, url, timeout=timeout, stream=True, **kwargs)
                box["response"] = _read_body(response, deadline, self.config.max_answer_bytes)
            except BaseException as err:  # noqa: BLE001 -- handed to the caller's thread
                box["error"] = err

        worker = threading.Thread(target=work, name="resolve-request", daemon=True)
        worker.start()
        worker.join(max(deadline - time.monotonic(), 0.0) + 0.5)
        if worker.is_alive():
            raise requests.Timeout("deadline")
        if "error" in box:
            raise box["error"]
        return box["response"]

    def get_json(self, source: str, url: str, params: dict, method: str = "GET"):
        """The decoded JSON body of one request, after pacing and retries.

        Raises
        ------
        FetchError
            when the request still fails after the retries, answers 4xx, or
            the body is not JSON. The message is redacted and names the status.
        Cancelled
            when the run is stopped while waiting.
        """
        pacer = self.pacer(source)
        stats = self.stats[source]
        host = urlsplit(url).netloc
        attempt = 0
        while True:
            attempt += 1
            wait = None
            pacer.wait()
            self._check_run_deadline()
            stats["requests"] += 1
            try:
                response = self._send(method, url, params)
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
                raise FetchError(self.redact(f"{sanitize_url(url)} is not a usable URL; check the CLAIMLEDGER_*_URL variables")) from None
            except requests.Timeout as err:
                reason, status = f"no {'complete ' if 'deadline' in str(err) else ''}answer from {host} within " + (
                    f"{self.config.request_deadline:g} s" if "deadline" in str(err) else "the timeout"), None
            except requests.ConnectionError:
                reason, status = f"could not connect to {host}", None
            except requests.RequestException as err:  # e.g. an answer cut off mid-body (ChunkedEncodingError)
                reason, status = f"the connection to {host} broke ({type(err).__name__})", None
            else:
                pacer.adapt(response.headers)
                status = response.status_code
                if status not in RETRY_STATUSES:
                    if status >= 400:
                        raise FetchError(self.redact(f"HTTP {status} ({_server_text(response)})"), status)
                    try:
                        return json.loads(response.content)
                    except (ValueError, RecursionError):
                        snippet = " ".join(response.text.split())[:80]
                        raise FetchError(self.redact(f"malformed JSON in the answer (starts {snippet!r})"), status) from None
                reason = f"HTTP {status} ({_server_text(response)})"
                wait = _retry_after(response.headers.get("Retry-After"))
                if status == 429:
                    stats["rate_limited"] += 1
                    pacer.slow_down()
                if wait is not None and wait > self.config.backoff_max:
                    raise FetchError(self.redact(f"{reason}; the server asks to wait {wait:.0f} s. Try again later."), status)
            if attempt > self.config.retries:
                tries = "attempt" if attempt == 1 else "attempts"
                raise FetchError(self.redact(f"{reason} after {attempt} {tries}"), status)
            stats["retries"] += 1
            pacer.sleep(wait if wait is not None else self._delay(attempt))
