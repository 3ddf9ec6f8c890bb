"""The simulated users of ``make loadtest``, run by locust against gunicorn.

``manage.py loadtest`` writes the plan (logins, records, year) to the file
named by ``LOADTEST_PLAN`` and starts locust headless on this file. The
users sign in as they are spawned; once the last one has, they work for
``LOADTEST_RUN_SECONDS`` and locust quits (its own ``--run-time`` is only a
safety net). Then this file writes every request (kind, time, status,
error, start, phase) and every edit attempt (record, marker, version read,
outcome) to ``LOADTEST_RESULTS`` for the command to report and check
against the database. It imports nothing from Django: it is a browser's
view of the site.

- Park staff (readers) sign in through the login form and read the lists,
  detail pages, histories and the park dashboard.
- Park staff (editors) open the edit form of the same few records, read
  its hidden ``version`` and, after a moment's typing, save every field back
  with a unique marker in the notes: each save is either accepted (302 to
  the detail page) or refused as stale (400 with the form's error).
- County reviewers read the county overview, its chart data, a park's
  dashboard, a figure's records and the lists.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from parkparty.loadtest.htmlforms import judge_save, post_form

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
RESULTS = Path(os.environ["LOADTEST_RESULTS"])
WAIT = [float(x) for x in os.environ.get("LOADTEST_WAIT", "0.5,2").split(",")]
USERS = int(os.environ["LOADTEST_USERS"])
RUN_SECONDS = float(os.environ["LOADTEST_RUN_SECONDS"])  # of work, once every user has signed in
SIGN_IN_LIMIT = float(os.environ.get("LOADTEST_SIGN_IN_LIMIT", "300"))  # the work starts then at the latest
TYPING = (0.2, 1.5)  # seconds between opening the edit form and pressing "Save"
TIMEOUT = 60  # seconds; gunicorn's own worker timeout (30 s) ends a stuck request first

REQUESTS: list[list] = []  # [kind, milliseconds, status, error, start time, phase]
EDITS: list[dict] = []
CLOCK: dict[str, float] = {}
READY: list[float] = []  # when each user had signed in and loaded its first page
GAVE_UP: list[str] = []  # users whose sign-in failed
LOGINS = {role: itertools.cycle(names) for role, names in PLAN["logins"].items()}
SEQUENCE = itertools.count(1)


@events.request.add_listener
def _record_request(name, response_time, response=None, exception=None, context=None, start_time=0.0, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    error = str(exception)[:300] if exception else ""
    REQUESTS.append([name, round(response_time, 2), status, error, round(start_time, 3), (context or {}).get("phase")])


@events.test_start.add_listener
def _started(environment, **kwargs):
    CLOCK["started"] = time.time()
    gevent.spawn(_timekeeper, environment)


def _timekeeper(environment):
    """The users work for RUN_SECONDS from the moment the last one has signed in, then locust quits."""
    deadline = time.monotonic() + SIGN_IN_LIMIT
    while len(READY) + len(GAVE_UP) < USERS and time.monotonic() < deadline:
        gevent.sleep(0.2)
    CLOCK["ready"] = time.time()
    gevent.sleep(RUN_SECONDS)
    environment.runner.quit()


@events.test_stopping.add_listener
def _stopped(**kwargs):
    CLOCK.setdefault("stopped", time.time())


@events.quitting.add_listener
def _write_results(**kwargs):
    CLOCK.setdefault("stopped", time.time())
    results = {**CLOCK, "signed_in": len(READY), "requests": REQUESTS, "edits": EDITS}
    RESULTS.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


class SiteUser(HttpUser):
    """A person at a browser: signs in through the login form, keeps the session cookie."""

    abstract = True
    host = PLAN["base_url"]
    wait_time = between(*WAIT)
    role = ""
    phase = "start"  # "work" once signed in: the report tells the two apart

    def context(self):
        return {"phase": self.phase}

    def on_start(self):
        self.keep_secure_cookies()
        netloc = urlsplit(self.host).netloc
        header = PLAN["proxy_header"]
        if header:
            self.client.headers[header[0]] = header[1]
        self.origin = f"https://{netloc}" if header else f"http://{netloc}"
        self.username = next(LOGINS[self.role])
        self.sign_in()
        self.load_static_files()
        self.phase = "work"
        READY.append(time.time())

    def keep_secure_cookies(self):
        """Send the session's secure cookies over plain HTTP, as a browser does behind the TLS proxy of a deployment.

        (requests copies the cookie jar for each request, so a cookie policy cannot say it.)
        The proxy's header, when the settings name one, tells Django the request came over HTTPS.
        """
        send = self.client.request

        def request(method, url, **kwargs):
            answer = send(method, url, **kwargs)
            for cookie in self.client.cookies:
                cookie.secure = False
            return answer

        self.client.request = request

    def post_headers(self, path: str) -> dict:
        return {"Origin": self.origin, "Referer": f"{self.origin}{path}"}

    def sign_in(self):
        with self.client.get("/login/", name="login form", catch_response=True, timeout=TIMEOUT) as answer:
            form = post_form(answer.text, "username") if answer.status_code == 200 else None
            if form is None:
                answer.failure(f"HTTP {answer.status_code}, no login form")
                GAVE_UP.append(self.username)
                raise StopUser
        fields = [(k, v) for k, v in form.with_value("username", self.username) if k != "password"]
        fields.append(("password", PLAN["password"]))
        with self.client.post(
            "/login/",
            data=fields,
            headers=self.post_headers("/login/"),
            name="login",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"HTTP {answer.status_code}: the login was not accepted")
                GAVE_UP.append(self.username)
                raise StopUser

    def load_static_files(self):
        """A browser's first visit: the home page and the static files it links (cached afterwards)."""
        answer = self.page("/", "home (after sign-in)", follow=True)
        if answer.status_code != 200:
            return
        text = answer.text
        for quote in ('src="', 'href="'):
            for chunk in text.split(quote)[1:]:
                url = chunk.split('"', 1)[0]
                if url.startswith("/static/"):
                    self.page(url, "static file (first visit)")

    def page(self, path: str, name: str, *, follow: bool = False):
        """GET a page; anything but 200 is an error."""
        with self.client.get(path, name=name, allow_redirects=follow, catch_response=True, timeout=TIMEOUT) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
            return answer

    def read_list(self, slug: str, name: str):
        choice = random.choice(["", "", "?page=2", "?sort=-pk"])  # noqa: S311
        self.page(f"/{slug}/{choice}", name)

    def read_detail(self, slug: str):
        pk = random.choice(PLAN["read"][slug])  # noqa: S311
        self.page(f"/{slug}/{pk}/", f"{slug} detail")


class ParkStaffReader(SiteUser):
    """Park staff looking things up: lists, records, their history, the park dashboard."""

    weight = 5
    role = "staff"

    @task(3)
    def enterprises(self):
        self.read_list("enterprise", "enterprise list")

    @task(3)
    def members(self):
        self.read_list("member", "member list")

    @task(2)
    def activities(self):
        self.read_list("activity", "activity list")

    @task(2)
    def requests(self):
        self.read_list("servicerequest", "service request list")

    @task(2)
    def enterprise_detail(self):
        self.read_detail("enterprise")

    @task(2)
    def member_detail(self):
        self.read_detail("member")

    @task(1)
    def edited_history(self):
        target = random.choice(PLAN["targets"])  # noqa: S311
        self.page(f"/{target['model']}/{target['pk']}/history/", f"{target['model']} history")

    @task(2)
    def park_dashboard(self):
        self.page(f"/reports/parks/{PLAN['park']}/?year={PLAN['year']}", "park dashboard")


class ParkStaffEditor(SiteUser):
    """Park staff editing the notes of the same few enterprises and members at the same time."""

    weight = 3
    role = "staff"

    @task(4)
    def edit_shared_record(self):
        self.edit(random.choice(PLAN["targets"]))  # noqa: S311

    @task(1)
    def look_around(self):
        self.read_list(random.choice(["enterprise", "member"]), "list (editor)")  # noqa: S311

    def edit(self, target: dict):
        model, pk = target["model"], target["pk"]
        path = f"/{model}/{pk}/edit/"
        with self.client.get(path, name=f"{model} edit form", catch_response=True, timeout=TIMEOUT) as answer:
            form = post_form(answer.text, "version") if answer.status_code == 200 else None
            if form is None:
                answer.failure(f"HTTP {answer.status_code}, no edit form with a version")
                return
        marker = f"压测 {PLAN['run']} {self.username} #{next(SEQUENCE)}"
        edit = {
            "model": model,
            "pk": pk,
            "user": self.username,
            "marker": marker,
            "read_version": int(form.value("version") or 0),
            "outcome": "sent",  # stays so if locust stops the user before the answer arrives
            "status": 0,
            "message": "",
        }
        EDITS.append(edit)
        time.sleep(random.uniform(*TYPING))  # noqa: S311 (gevent makes this a cooperative sleep)
        fields = form.with_value("notes", marker)
        body = {"files": [(k, (None, v)) for k, v in fields]} if "multipart" in form.enctype else {"data": fields}
        with self.client.post(
            path,
            **body,
            headers=self.post_headers(path),
            name=f"{model} edit save",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            edit["status"] = answer.status_code
            outcome, message = judge_save(answer.status_code, answer.headers.get("Location", ""), answer.text, target)
            edit["outcome"], edit["message"] = outcome, message
            if outcome == "unexpected":
                answer.failure(message)
            else:
                answer.success()  # a refusal as stale is the right answer to a stale save
        if edit["outcome"] == "accepted":
            self.page(f"/{model}/{pk}/", f"{model} detail (after save)")


class CountyReviewer(SiteUser):
    """County reviewers reading the overview, its charts, a park's dashboard, figures and lists."""

    weight = 2
    role = "county"

    @task(3)
    def overview(self):
        self.page(f"/reports/county/?year={PLAN['year']}", "county overview")

    @task(3)
    def charts(self):
        self.page(f"/reports/charts/county/{PLAN['year']}/", "county charts (JSON)")

    @task(1)
    def park(self):
        self.page(f"/reports/parks/{PLAN['park']}/?year={PLAN['year']}", "park dashboard (county)")

    @task(1)
    def figure(self):
        key = random.choice(["enterprises_operating", "members_total", "requests_closure_rate"])  # noqa: S311
        self.page(f"/reports/figures/county/{PLAN['year']}/{key}/", "figure records (county)")

    @task(2)
    def lists(self):
        slug = random.choice(["enterprise", "member", "partyorganization"])  # noqa: S311
        self.read_list(slug, "list (county)")
