"""A plain HTTP client for a portal served by gunicorn, as a browser without JavaScript uses it.

It keeps cookies itself (secure ones too: the portal runs with HTTPS on behind a
proxy, which the client plays by sending ``X-Forwarded-Proto: https``), reads
forms from the page with what a browser would send by default, and follows
redirects, so a test fills in only what a person would type.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import requests


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)

    def fill(self, *, button: str | None = None, **typed) -> dict[str, list[str]]:
        """What submitting sends: the page's values, what was typed, and one button (the first)."""
        data = {**self.values, **{k: v if isinstance(v, list) else [v] for k, v in typed.items()}}
        if self.buttons:
            name = button or next(iter(self.buttons))
            data[name] = [self.buttons[name]]
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms or not a.get("name") or "disabled" in a:
            return
        form, name = self.forms[-1], a["name"]
        kind = a.get("type", "text").lower()
        if tag == "button" or (tag == "input" and kind == "submit"):
            form.buttons.setdefault(name, a.get("value", ""))
        elif tag == "input" and kind in ("checkbox", "radio"):
            form.options.setdefault(name, []).append(a.get("value", "on"))
            if "checked" in a:
                form.values.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "input":  # several hidden inputs may share a name (a list's choices)
            form.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            form.values[name] = [""]
        elif tag == "option" and self._select:
            form.options.setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a:
                form.values[self._select] = [a.get("value", "")]

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class PortalClient:
    """Talks to gunicorn at ``base`` as if through the HTTPS proxy in front of ``host``."""

    def __init__(self, base: str, host: str):
        self.base = base
        self.host = host
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def request(self, method: str, path: str, *, data=None, follow=True) -> requests.Response:
        for _ in range(10):
            response = self.http.request(
                method,
                urljoin(self.base, path),
                data=data,
                allow_redirects=False,
                timeout=60,
                headers={
                    "Host": self.host,
                    "X-Forwarded-Proto": "https",
                    # A browser's form posts name where they came from; CSRF checks it.
                    "Origin": f"https://{self.host}",
                    **(
                        {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
                        if self.cookies
                        else {}
                    ),
                },
            )
            for header in response.raw.headers.getlist("Set-Cookie"):
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if not (follow and response.is_redirect):
                return response
            location = urlsplit(response.headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            method, data = "GET", None
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def submit(self, path: str, **kwargs) -> requests.Response:
        """Open ``path`` and send its form (see ``send``)."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return self.send(page, **kwargs)

    def send(
        self, page: requests.Response, *, form_with: str = "", button: str | None = None, **typed
    ) -> requests.Response:
        """Fill the page's POST form that has a field named ``form_with`` and send it."""
        forms = [f for f in forms_in(page.text) if f.method == "post"]
        form = next(f for f in forms if not form_with or form_with in f.values | f.options)
        action = urljoin(urlsplit(page.url).path, form.action) if form.action else page.url
        return self.request("POST", urlsplit(action).path, data=form.fill(button=button, **typed))
