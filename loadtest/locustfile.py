"""The load of `make loadtest`: visitors browse, members draft label applications.

Visitors read the public catalogue (with its filters), the report library (with its
full-text search) and the public pages. Members sign in with the accounts that
`loadtest/run.py` lists in LOADTEST_ACCOUNTS, create drafts and save their steps
the way a browser does: every field of the form as the page rendered it, the CSRF
token from the form, the CSRF cookie from the session.

Every answer is classed: a 503 carrying Retry-After and the portal's layout is a
clean refusal (the database is restarting); anything else that is not the
expected page is a failure of its own kind (500, other status, wrong page).
With LOADTEST_EVENTS set, the time and outcome of each request are appended there,
so that run.py can tell when the failures started and stopped.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

ACCOUNTS_FILE = os.environ.get("LOADTEST_ACCOUNTS", "")
EVENTS_FILE = os.environ.get("LOADTEST_EVENTS", "")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Demo-EXPE-CT-2026")
SEARCH_WORDS = [
    "budget participatif",
    "quartiers",
    "associations",
    "eau potable",
    "gouvernance locale",
    "formation des agents",
    "déchets",
    "Thiès",
]
COLLECTIVITY_LINK = re.compile(r'href="/catalogue/(\d+)/"')
REPORT_LINK = re.compile(r'href="/bibliotheque/(\d+)/"')
NAME_WORDS = ["saint", "ville", "lyon", "association", "mont", "val", "sur"]

_accounts: list[str] = []
_accounts_lock = threading.Lock()
_events_lock = threading.Lock()


def _next_account() -> str:
    """Each signed-in user takes an account of its own (their collectivities differ)."""
    with _accounts_lock:
        if not _accounts:
            with open(ACCOUNTS_FILE, encoding="utf-8") as handle:
                _accounts.extend(reversed(json.load(handle)))
        return _accounts.pop()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    if not EVENTS_FILE:
        return
    event = {"t": time.time(), "name": name, "ok": exception is None}
    if exception is not None:
        event["error"] = str(exception)
    with _events_lock, open(EVENTS_FILE, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(event) + "\n")


class Forms(HTMLParser):
    """The forms of a page, each as its action and the fields a browser would send."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.forms[-1]["fields"].append([a["name"], a.get("value", "")])
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"].append([a["name"], ""])
        elif tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
            self.options[a["name"]] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self.options[self._select].append(value)
            if "selected" in a:
                self._select_value = value

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self.forms:
            self.forms[-1]["fields"].append([self._select, self._select_value or ""])
            self._select = None

    def with_field(self, name: str) -> dict:
        """The form holding the field `name` (pages also hold the language and logout forms)."""
        for form in self.forms:
            if any(field == name for field, _value in form["fields"]):
                return form
        raise LookupError(f"no form with a field {name!r}")


def check(response, expect: str | None = None, statuses=(200,)) -> bool:
    """Marks the response as success or as a failure of a named kind; True if as expected."""
    status = response.status_code
    if status in statuses and (expect is None or expect in response.text):
        response.success()
        return True
    if status == 503 and response.headers.get("Retry-After") and "fr-header" in response.text:
        response.failure("503 clean (database unavailable, Retry-After, DSFR page)")
    elif status == 503:
        response.failure("503 without the portal page")
    elif status >= 500:
        response.failure(f"{status} server error")
    elif status == 0:
        response.failure(f"connection error: {response.error}")
    elif status in statuses:
        response.failure(f"{status} but not the expected page (missing {expect!r})")
    else:
        response.failure(f"unexpected status {status}")
    return False


class Visitor(HttpUser):
    """Someone who is not signed in, reading what the portal publishes."""

    weight = 7
    wait_time = between(1, 3)
    catalogue_options: dict[str, list[str]] = {}
    collectivities: list[str] = []
    reports: list[str] = []

    def on_start(self) -> None:
        with self.client.get("/catalogue/", name="/catalogue/", catch_response=True) as r:
            if check(r, "fr-header"):
                Visitor.catalogue_options = Forms(r.text).options
                Visitor.collectivities = sorted(set(COLLECTIVITY_LINK.findall(r.text)))

    def _option(self, name: str) -> str:
        values = [v for v in self.catalogue_options.get(name, []) if v]
        return random.choice(values) if values else ""

    @task(3)
    def catalogue(self) -> None:
        page = random.choice(["", "?page=2", "?page=3"])
        with self.client.get(f"/catalogue/{page}", name="/catalogue/", catch_response=True) as r:
            check(r, "fr-header")

    @task(5)
    def catalogue_filtered(self) -> None:
        params = {}
        for name in random.sample(["theme", "region", "kind", "language", "sdg"], 2):
            params[name] = self._option(name)
        if random.random() < 0.3:
            params["name"] = random.choice(NAME_WORDS)
        with self.client.get(
            "/catalogue/", params=params, name="/catalogue/?filters", catch_response=True
        ) as r:
            check(r, "fr-header")

    @task(2)
    def collectivity_page(self) -> None:
        if not self.collectivities:
            return
        pk = random.choice(self.collectivities)
        with self.client.get(
            f"/catalogue/{pk}/", name="/catalogue/<id>/", catch_response=True
        ) as r:
            check(r, "fr-header")

    @task(3)
    def library(self) -> None:
        with self.client.get("/bibliotheque/", name="/bibliotheque/", catch_response=True) as r:
            if check(r, "fr-header"):
                Visitor.reports = sorted(set(REPORT_LINK.findall(r.text)))

    @task(4)
    def library_search(self) -> None:
        params = {"q": random.choice(SEARCH_WORDS)}
        with self.client.get(
            "/bibliotheque/", params=params, name="/bibliotheque/?q=", catch_response=True
        ) as r:
            check(r, "fr-header")

    @task(1)
    def library_report(self) -> None:
        if not self.reports:
            return
        pk = random.choice(self.reports)
        with self.client.get(
            f"/bibliotheque/{pk}/", name="/bibliotheque/<id>/", catch_response=True
        ) as r:
            check(r, "fr-header")

    @task(2)
    def public_page(self) -> None:
        path = random.choice(["/", "/chiffres/", "/labels/verifier/", "/accessibilite/"])
        with self.client.get(path, name=path, catch_response=True) as r:
            check(r, "fr-header")


class Member(HttpUser):
    """An agent of a collectivity, signed in, drafting label applications."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email = _next_account()
        self.drafts: list[str] = []
        self.themes_used: set[str] = set()
        self.signed_in = False
        self.sign_in()

    def sign_in(self) -> None:
        with self.client.get("/compte/connexion/", name="sign in (form)", catch_response=True) as r:
            if not check(r, "csrfmiddlewaretoken"):
                return
            form = Forms(r.text).with_field("password")
        fields = dict(form["fields"])
        fields.update(username=self.email, password=PASSWORD)
        with self.client.post(
            "/compte/connexion/", data=fields, name="sign in (post)", catch_response=True
        ) as r:
            # Redirected to the dashboard: the session cookie is set.
            self.signed_in = check(r, "fr-header") and "/connexion/" not in r.url

    def _post_form(self, url: str, name: str, marker: str, changes: dict, judge) -> None:
        """Opens the page at `url`, fills the form holding `marker`, sends it, judges the answer.

        Changed fields take the place of the rendered ones; the rest (the CSRF token,
        the formset's management fields) goes back as the page gave it.
        """
        with self.client.get(url, name=f"{name} (form)", catch_response=True) as r:
            if not check(r, marker):
                return
            form = Forms(r.text).with_field(marker)
        data = [[field, value] for field, value in form["fields"] if field not in changes]
        data += [[field, value] for field, value in changes.items()]
        with self.client.post(
            url, data=data, name=f"{name} (save)", catch_response=True, allow_redirects=False
        ) as r:
            judge(r)

    @task(2)
    def new_draft(self) -> None:
        if not self.signed_in:
            return self.sign_in()
        with self.client.get(
            "/candidatures/nouvelle/", name="new draft (themes)", catch_response=True
        ) as r:
            if not check(r, 'name="theme"'):
                return
            themes = [t for t in Forms(r.text).options.get("theme", []) if t]
        free = [t for t in themes if t not in self.themes_used]
        if not free:
            return
        theme = random.choice(free)
        self.themes_used.add(theme)
        changes = {
            "theme": theme,
            "expertise": "Gestion de l'eau potable et de l'assainissement en régie.",
            "territory_actions": "Schéma directeur de l'eau, régie publique depuis 2015.",
            "continue": "1",
        }
        self._post_form("/candidatures/nouvelle/", "new draft", "expertise", changes, self._created)

    def _created(self, r) -> None:
        match = re.search(r"/candidatures/(\d+)/etapes/cooperation/", r.headers.get("Location", ""))
        if r.status_code == 302 and match:
            r.success()
            self.drafts.append(match.group(1))
        elif r.status_code == 200 and "fr-message--error" in r.text:
            # The collectivity already has an application in progress on this theme
            # (the scale data gave each one an application): a refusal, not an error.
            r.success()
        else:
            check(r, statuses=(302,))

    @task(4)
    def save_expertise(self) -> None:
        if not self.drafts:
            return self.new_draft()
        pk = random.choice(self.drafts)
        text = f"Expertise mise à jour à {time.strftime('%H:%M:%S')} : eau, assainissement."
        self._post_form(
            f"/candidatures/{pk}/etapes/expertise/",
            "save step expertise",
            "expertise",
            {"expertise": text, "save": "1"},
            lambda r: check(r, statuses=(302,)),
        )

    @task(2)
    def save_cooperation(self) -> None:
        if not self.drafts:
            return self.new_draft()
        pk = random.choice(self.drafts)
        url = f"/candidatures/{pk}/etapes/cooperation/"
        with self.client.get(url, name="save step cooperation (form)", catch_response=True) as r:
            if not check(r, "projects-TOTAL_FORMS"):
                return
            parsed = Forms(r.text)
        fields = parsed.with_field("projects-TOTAL_FORMS")["fields"]
        total = int(dict(fields)["projects-TOTAL_FORMS"])
        initial = int(dict(fields)["projects-INITIAL_FORMS"])
        changes = {}
        if total > initial:  # the empty block for one more project
            prefix = f"projects-{total - 1}-"
            countries = [c for c in parsed.options.get(f"{prefix}country", []) if c]
            changes = {
                f"{prefix}country": random.choice(countries) if countries else "SN",
                f"{prefix}partner": "Commune partenaire",
                f"{prefix}start_year": "2018",
                f"{prefix}end_year": "2021",
                f"{prefix}description": "Appui à la régie de l'eau.",
            }
        data = [[f, v] for f, v in fields if f not in changes] + list(changes.items())
        data.append(["save", "1"])
        with self.client.post(
            url,
            data=data,
            name="save step cooperation (save)",
            catch_response=True,
            allow_redirects=False,
        ) as r:
            check(r, statuses=(302,))

    @task(2)
    def follow(self) -> None:
        if not self.signed_in:
            return self.sign_in()
        with self.client.get("/candidatures/", name="/candidatures/", catch_response=True) as r:
            check(r, "fr-header")
        if self.drafts:
            pk = random.choice(self.drafts)
            with self.client.get(
                f"/candidatures/{pk}/", name="/candidatures/<id>/", catch_response=True
            ) as r:
                check(r, "fr-header")
