"""One HTTP client for every metadata service labsite asks (Crossref, doi.org,
DataCite, arXiv, ORCID), with the manners those services ask for.

- A User-Agent naming labsite and a contact address from settings
  (``LABSITE_CONTACT_EMAIL``, set by ``DJANGO_CONTACT_EMAIL``): Crossref's REST API
  etiquette asks for a ``mailto`` so that they can write before blocking a client.
- Timeouts on every request; retries with exponential back-off on timeouts, 429
  and 5xx answers, waiting what a ``Retry-After`` header says when there is one.
- Rate limits: at most one request per host every ``MIN_INTERVAL`` seconds (arXiv's
  terms ask for one every 3 s), tightened by Crossref's ``X-Rate-Limit-Limit`` /
  ``X-Rate-Limit-Interval`` headers.
- No network: a ``NetworkError`` whose message names the host and says what to do,
  raised before anything is written (callers fetch everything first).

Tests replace the transport (``TRANSPORT``) with recorded answers; nothing here
is reached by the test suite's network guard.
"""

import email.utils
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings

# Seconds between two requests to the same host (the services' published limits:
# arXiv one per 3 s; Crossref's public pool 50/s; ORCID's public API 24/s).
MIN_INTERVAL = {
    "export.arxiv.org": 3.0,
    "api.crossref.org": 0.05,
    "doi.org": 0.05,
    "api.datacite.org": 0.05,
    "pub.orcid.org": 0.05,
}
RETRY_STATUSES = {429, 500, 502, 503, 504}
VERSION = "0.1"


class NetworkError(Exception):
    """A service could not be reached or kept failing; the message says which, why."""


class NotFoundError(LookupError):
    """The service answered 404: it has no such record (a DOI it does not know)."""


@dataclass
class Response:
    """An answer: final ``url``, ``status``, ``headers`` (lower-case), ``body``."""

    url: str
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        """The body parsed as JSON; NetworkError when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError as error:
            host = urllib.parse.urlsplit(self.url).hostname
            raise NetworkError(
                f"{host} answered with something that is not JSON "
                f"({self.body[:60]!r}); try again later."
            ) from error


def urllib_transport(url, *, headers, timeout):
    """Send a GET with the standard library; returns a Response for any status.

    Redirects are followed (doi.org hands content negotiation on to the
    registration agency). Raises ``urllib.error.URLError`` or ``TimeoutError``
    when no answer comes.
    """
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(
                url=answer.geturl(),
                status=answer.status,
                headers={k.lower(): v for k, v in answer.headers.items()},
                body=answer.read(),
            )
    except urllib.error.HTTPError as error:
        return Response(
            url=url,
            status=error.code,
            headers={k.lower(): v for k, v in (error.headers or {}).items()},
            body=error.read() or b"",
        )


# What the client sends requests through and waits with; tests put a replay of
# recorded answers and a clock that does not sleep here.
TRANSPORT = urllib_transport
SLEEP = time.sleep
CLOCK = time.monotonic


def user_agent(contact=None):
    """labsite's User-Agent, with the contact address Crossref's etiquette asks for."""
    contact = settings.LABSITE_CONTACT_EMAIL if contact is None else contact
    about = f"mailto:{contact}" if contact else "no contact address configured"
    return f"labsite/{VERSION} (research group website; {about})"


class HttpClient:
    """GET requests with timeouts, retries, back-off and per-host rate limits.

    ``timeout`` (seconds per try), ``retries`` (tries after the first),
    ``backoff`` (seconds before the first retry, doubled each time, at most
    ``max_wait``), ``sleep``/``clock`` (injected by tests), ``transport``
    (defaults to ``TRANSPORT``). Safe to share between threads.
    """

    def __init__(
        self,
        *,
        contact=None,
        timeout=20.0,
        retries=3,
        backoff=1.0,
        max_wait=60.0,
        transport=None,
        sleep=None,
        clock=None,
    ):
        self.user_agent = user_agent(contact)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.transport = transport or TRANSPORT
        self.sleep = sleep or SLEEP
        self.clock = clock or CLOCK
        self.intervals = dict(MIN_INTERVAL)
        self._last = {}
        self._lock = threading.Lock()
        self.requests = 0

    def get(self, url, *, params=None, accept="application/json"):
        """The Response to a GET of ``url`` (``params`` added as a query string).

        Raises NotFoundError on 404, NetworkError when the host cannot be reached,
        keeps failing after the retries, or answers another error status.
        """
        if params:
            url = f"{url}?{urllib.parse.urlencode(params)}"
        host = urllib.parse.urlsplit(url).hostname or url
        headers = {"User-Agent": self.user_agent, "Accept": accept}
        problem = ""
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            try:
                response = self.transport(url, headers=headers, timeout=self.timeout)
            except TimeoutError:
                problem = f"no answer within {self.timeout:g} s"
                wait = self._backoff(attempt)
            except urllib.error.URLError as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, (socket.gaierror, ConnectionRefusedError)):
                    raise NetworkError(
                        f"Cannot reach {host}: {reason}. Is this machine online? "
                        f"Nothing was imported."
                    ) from error
                if isinstance(reason, TimeoutError):
                    problem = f"no answer within {self.timeout:g} s"
                else:
                    problem = str(reason)
                wait = self._backoff(attempt)
            except OSError as error:
                problem = str(error)
                wait = self._backoff(attempt)
            else:
                self.requests += 1
                self._learn_limits(host, response.headers)
                if 200 <= response.status < 300:
                    return response
                if response.status == 404:
                    raise NotFoundError(f"{host} has no record at {url}")
                if response.status not in RETRY_STATUSES:
                    raise NetworkError(
                        f"{host} answered HTTP {response.status} for {url}: "
                        f"{response.text[:200].strip()}"
                    )
                problem = f"HTTP {response.status}"
                wait = self._retry_after(response.headers, attempt)
            if attempt < self.retries:
                self.sleep(wait)
        raise NetworkError(
            f"{host} did not answer properly after {self.retries + 1} tries "
            f"({problem}). Try again later; nothing was imported."
        )

    def _backoff(self, attempt):
        return min(self.max_wait, self.backoff * 2**attempt)

    def _retry_after(self, headers, attempt):
        value = headers.get("retry-after", "").strip()
        if value.isdigit():
            return min(self.max_wait, float(value))
        if value:
            when = email.utils.parsedate_to_datetime(value)
            if when is not None:
                seconds = when.timestamp() - time.time()
                return min(self.max_wait, max(0.0, seconds))
        return self._backoff(attempt)

    def _learn_limits(self, host, headers):
        # Crossref says how many requests it allows per interval ("50", "1s").
        limit = headers.get("x-rate-limit-limit", "")
        interval = headers.get("x-rate-limit-interval", "").rstrip("s")
        if limit.isdigit() and int(limit) > 0 and interval.replace(".", "").isdigit():
            self.intervals[host] = max(
                self.intervals.get(host, 0.0), float(interval) / int(limit)
            )

    def _wait_turn(self, host):
        with self._lock:
            interval = self.intervals.get(host, 0.0)
            last = self._last.get(host)
            now = self.clock()
            if last is not None and now - last < interval:
                self.sleep(interval - (now - last))
                now = self.clock()
            self._last[host] = now


def default_client():
    """An HttpClient with labsite's settings (contact address, timeouts)."""
    return HttpClient()
