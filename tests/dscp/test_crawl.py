"""Every URL of the portal, tried as an attacker would: no input gets a 500.

The crawl starts from the home page, admin's index (signed in as a superuser)
and every kind of emailed link, follows the links and forms it finds, and then
sends each one again with every path segment, query value and form field
replaced by NUL, control characters, an overlong value, unicode, an empty value
and a value of the wrong type, with every method, and with bad and expired
tokens. Settings are production's (DEBUG off, PostgreSQL), as in all of
``make test``.
"""

import logging
import re
from collections import Counter
from html.parser import HTMLParser
from io import StringIO
from unittest import mock
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from dscp import logs
from evaluations.models import Evaluation, Invitation
from evaluations.tokens import feedback_token
from priorities.selectors import active_priorities
from subscriptions.models import MailingList, Subscriber
from subscriptions.selectors import subscriber_links
from subscriptions.tokens import make_token
from tests.evaluations.factories import InvitationFactory, OpenEvaluationFactory
from tests.factories import StaffFactory
from tests.files import PDF, PNG
from tests.newsletter.factories import ArticleFactory, IssueFactory, ResourceFactory
from tests.priorities.factories import DocumentFactory
from training.models import Booking
from training.tokens import make_confirm_token

pytestmark = pytest.mark.django_db

BAD_VALUES = {
    "nul": "a\x00b",
    "control": "a\x01\x1b[31mb",
    "overlong": "x" * 10_000,
    "overlong_email": "a" * 300 + "@example.org",
    "unicode": "Zoë 🙂 \u202eevil\u200b ﷽",
    "empty": "",
    "wrong_type": "-99999999999999999999",
}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Links that would sign the crawler out part-way.
SKIP = re.compile(r"/logout/")


def _plausible(name: str) -> str:
    """What a person might type in an empty field with this name."""
    if "email" in name:
        return "crawler@example.org"
    if "phone" in name:
        return "0191 000 0000"
    return "Crawler Test"


class _Page(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").upper(),
                    "fields": {},
                }
            )
        elif tag == "option" and self._select and attrs.get("value"):
            # The first real choice, so the form is valid before one field is spoilt.
            self.forms[-1]["fields"].setdefault(self._select, attrs["value"])
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            name = attrs["name"]
            if tag == "select":
                self._select = name
            elif attrs.get("type") in ("checkbox", "radio"):
                self.forms[-1]["fields"].setdefault(name, attrs.get("value") or "on")
            elif attrs.get("type") not in ("submit", "button"):
                self.forms[-1]["fields"][name] = attrs.get("value") or _plausible(name)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _pattern_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name or match.route


def _all_patterns(resolver=None, prefix="") -> list[str]:
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else prefix
            names += _all_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            names.append(prefix + (entry.name or str(entry.pattern)))
    return names


class Crawler:
    def __init__(self, client: Client, values: dict[str, str], pages_per_pattern: int = 2):
        self.client = client
        self.pages_per_pattern = pages_per_pattern
        self.values = list(values.values())
        self.statuses: Counter = Counter()
        self.requests = 0
        self.failures: list[str] = []
        self.seen_patterns: Counter = Counter()
        self.reached: set[str] = set()

    def send(self, method: str, path: str, data=None) -> object:
        self.requests += 1
        name = _pattern_name(path)
        if name:
            self.reached.add(name)
        response = self.client.generic(
            method,
            path,
            urlencode(data or {}, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        self.statuses[response.status_code] += 1
        body = b"" if response.streaming else response.content
        if response.status_code >= 500 or b"Traceback" in body:
            self.failures.append(
                f"{method} {path[:200]!r} {str(data)[:200]} -> {response.status_code}"
            )
        return response

    def crawl(self, seeds: list[str]) -> list[tuple[str, _Page]]:
        """Follow same-site links breadth first, at most a few pages per URL pattern."""
        queue, visited, pages = list(seeds), set(), []
        while queue:
            path = queue.pop(0)
            if path in visited or SKIP.search(path):
                continue
            visited.add(path)
            name = _pattern_name(path)
            if name is None or self.seen_patterns[name] >= self.pages_per_pattern:
                continue
            self.seen_patterns[name] += 1
            response = self.send("GET", path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = _Page()
            page.feed(response.content.decode())
            pages.append((path, page))
            for href in page.links:
                url = urlsplit(href)
                if not url.scheme and url.path.startswith("/"):
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
        return pages

    def attack(self, path: str, page: _Page) -> None:
        url = urlsplit(path)
        segments = url.path.strip("/").split("/")
        for method in METHODS:
            self.send(method, path)
        for i, _ in enumerate(segments):
            for value in self.values:
                bad = [*segments]
                bad[i] = quote(value, safe="")
                self.send("GET", "/" + "/".join(bad) + "/")
                self.send("POST", "/" + "/".join(bad) + "/")
        query = dict(pair.split("=", 1) for pair in url.query.split("&") if "=" in pair)
        for key in query:
            for value in self.values:
                self.send("GET", f"{url.path}?{urlencode({**query, key: value})}")
        for form in page.forms:
            action = urlsplit(form["action"]).path or url.path
            fields = form["fields"]
            self.send(form["method"], action, fields)
            for name in fields:
                for value in self.values:
                    data = {**fields, name: value}
                    if form["method"] == "GET":
                        self.send("GET", f"{action}?{urlencode(data)}")
                    else:
                        self.send("POST", action, data)


class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    """Every log line as the console would write it (tokens scrubbed, as in production)."""
    root = logging.getLogger()
    console = next(
        h
        for h in root.handlers
        if isinstance(h.formatter, logs.JSONFormatter | logs.ScrubbingFormatter)
    )
    handler = _LogCapture()
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


@pytest.fixture
def demo(settings, mailoutbox):
    settings.SITE_URL = "http://testserver"
    # The crawl is about what each input does, not about being slowed down.
    for name in ("RATE_LIMIT_PER_IP", "RATE_LIMIT_PER_ADDRESS", "RATE_LIMIT_BOOKING_PER_IP"):
        setattr(settings, name, "1000000/s")
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def uploads(settings, tmp_path):
    """One file of each kind the portal serves: the demo content has none."""
    settings.MEDIA_ROOT = tmp_path
    draft = IssueFactory(cover_image=SimpleUploadedFile("cover.png", PNG), cover_image_alt="Cover")
    published = ArticleFactory(issue=IssueFactory(published=True))
    briefing = ResourceFactory(article=published, url="", file=SimpleUploadedFile("b.pdf", PDF))
    document = DocumentFactory(
        priority=active_priorities().first(), url="", file=SimpleUploadedFile("plan.pdf", PDF)
    )
    return [draft.cover_image.url, briefing.href, document.href]


def _emailed_links() -> list[str]:
    subscriber = Subscriber.objects.order_by("pk").first()
    links = subscriber_links(subscriber=subscriber)
    confirm = make_token(
        purpose="confirm",
        subscriber_id=subscriber.pk,
        list_ids=list(MailingList.objects.values_list("pk", flat=True)),
    )
    booking = Booking.objects.order_by("pk").first()
    invitation = Invitation.objects.order_by("pk").first() or InvitationFactory()
    feedback = feedback_token(invitation_id=invitation.pk)
    urls = [link.removeprefix("http://testserver") for link in links.values()]
    urls += [
        reverse(name, args=[feedback])
        for name in (
            "evaluations:feedback",
            "evaluations:feedback_thanks",
            "evaluations:certificate",
        )
    ]
    urls.append(reverse("subscriptions:confirm", args=[confirm]))
    urls.append(reverse("training:booking_manage", args=[booking.manage_token]))
    urls.append(reverse("training:booking_confirmation", args=[booking.manage_token]))
    urls.append(reverse("training:booking_confirm", args=[make_confirm_token(booking=booking)]))
    urls.append(reverse("training:session_book_sent", args=[booking.session_id]))
    return urls


def _expired_links() -> list[str]:
    three_years_ago = signing.time.time() - 3 * 365 * 86400
    with mock.patch("django.core.signing.time.time", return_value=three_years_ago):
        return _emailed_links()


def _tokens(links: list[str]) -> set[str]:
    return {segment for link in links for segment in link.split("/") if len(segment) > 20}


def _report(label: str, crawler: Crawler) -> None:
    print(
        f"\n{label} crawl: {crawler.requests} requests, {len(crawler.reached)} URL patterns, "
        f"statuses {sorted(crawler.statuses.items())}"
    )


def test_no_public_input_gives_a_500_or_a_traceback_or_logs_a_token(demo, uploads, log_lines):
    emailed = [*_emailed_links(), *_expired_links()]
    seeds = [
        "/",
        "/robots.txt",
        "/.well-known/security.txt",
        "/healthz",
        reverse("subscriptions:subscribe_sent"),
        reverse("subscriptions:unsubscribe_sent"),
        reverse("evaluations:certificate_verify") + "?code=ABC123",
        reverse("evaluations:report"),
        reverse("evaluations:report_csv"),
        *[evaluation.get_absolute_url() for evaluation in Evaluation.objects.all()],
        OpenEvaluationFactory().get_absolute_url(),
        *emailed,
        *uploads,
    ]
    crawler = Crawler(Client(raise_request_exception=False), BAD_VALUES)
    for path, page in crawler.crawl(seeds):
        crawler.attack(path, page)
    _report("public", crawler)

    assert crawler.failures == [], "\n".join(crawler.failures[:40])
    public_patterns = {name for name in _all_patterns() if not name.startswith("admin:")}
    assert public_patterns - crawler.reached == set()
    leaked = [line[:300] for line in log_lines if any(t in line for t in _tokens(emailed))]
    assert leaked == [], "\n".join(leaked[:20])


def test_no_admin_input_gives_a_500_or_a_traceback(demo, log_lines):
    client = Client(raise_request_exception=False)
    client.force_login(StaffFactory(is_superuser=True))
    # Fewer values and pages than the public crawl: admin is for signed-in staff,
    # its forms are built from the models' own columns, and it has many pages.
    values = {k: BAD_VALUES[k] for k in ("nul", "overlong", "wrong_type")}
    crawler = Crawler(client, values, pages_per_pattern=1)
    for path, page in crawler.crawl(["/admin/"]):
        crawler.attack(path, page)
    _report("admin", crawler)

    assert crawler.failures == [], "\n".join(crawler.failures[:40])
    admin_patterns = {name for name in _all_patterns() if name.startswith("admin:")}
    print(
        f"admin URL patterns reached: {len(crawler.reached & admin_patterns)} of {len(admin_patterns)}"
    )
