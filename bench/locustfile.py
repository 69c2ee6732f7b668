"""Simulated people for the load test (bench/load_test.py starts it; issue 14).

    locust -f bench/locustfile.py --headless -u 100 -r 10 -t 3m --host http://127.0.0.1:8765

The driver writes a plan (ZST_LOAD_PLAN, JSON: idea, project and account lists, search
words) from the database it filled. Each simulated person has one role for the whole
run, in these shares: 80 % anonymous readers, 6 % signed-in readers, 10 % supporters,
3 % commenters, 1 % idea writers. Everyone thinks 1–5 s between pages; writing a comment
or an idea takes as long as a person needs to type it (the forms refuse what comes
faster than MIN_FORM_SECONDS anyway).

What nginx adds in production (deploy/nginx/zukunft-st.conf), each request carries here:
`X-Forwarded-Proto: https` and `X-Forwarded-For` with the person's own address (from
the documentation range 198.51.100.0/24, or one address for everyone with
ZST_LOAD_SHARED_ADDRESS=1); the app trusts one proxy (TRUSTED_PROXY_COUNT=1). So the
app sees what it sees behind nginx: https, secure cookies, and Referer checks on forms.
The simulated browser sends its secure cookies over the plain connection to gunicorn,
as a real browser sends them over its https connection to nginx.
"""

import itertools
import json
import os
import random
import re
import threading

import gevent
from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

with open(os.environ["ZST_LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)

SHARED_ADDRESS = os.environ.get("ZST_LOAD_SHARED_ADDRESS") == "1"
_numbers = itertools.count(1)
_accounts = iter(PLAN["accounts"])
_lock = threading.Lock()

COMMENTS = [
    "Das fände ich gut, gerade für die Kinder in unserem Ort.",
    "Gibt es dafür schon Erfahrungen aus anderen Kommunen?",
    "Ich würde mich gerne beteiligen, wenn es so weit ist.",
    "Wichtig wäre, dass auch ältere Menschen damit zurechtkommen.",
    "Wer kümmert sich danach um den Betrieb?",
]
IDEAS = [
    (
        "Mitfahrbank am Dorfplatz",
        "Eine Bank mit Schild, auf der man wartet, bis jemand aus dem Ort einen mitnimmt. "
        "Das hilft allen ohne Auto, besonders abends und am Wochenende.",
    ),
    (
        "Repair-Café im Jugendzentrum",
        "Einmal im Monat reparieren Ehrenamtliche mit Jugendlichen Fahrräder, Lampen und "
        "Kleidung. So lernen alle etwas und weniger landet im Müll.",
    ),
    (
        "Trinkwasserbrunnen in der Innenstadt",
        "An heißen Tagen fehlt in der Innenstadt frisches Wasser. Ein paar Brunnen an "
        "Plätzen und Haltestellen würden Kindern und Älteren helfen.",
    ),
]


class BehindProxyJar(RequestsCookieJar):
    """Keeps secure cookies for the plain hop to gunicorn: the https one is nginx's."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Plan:
    """Pick what a person looks at from the plan the driver wrote."""

    @staticmethod
    def idea() -> int:
        return random.choice(PLAN["ideas"])

    @staticmethod
    def supportable() -> int:
        return random.choice(PLAN["supportable"])

    @staticmethod
    def list_query() -> str:
        sort = random.choice(["newest", "newest", "supported", "discussed", "trending"])
        parts = [f"sort={sort}"]
        if random.random() < 0.3:
            parts.append(f"field={random.choice(PLAN['fields'])}")
        if random.random() < 0.3:
            parts.append(f"municipality={random.choice(PLAN['municipalities'])}")
        if random.random() < 0.3:
            parts.append(f"page={random.randint(2, 8)}")
        return "&".join(parts)


def _field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else ""


def _form(html: str, action: str) -> str | None:
    """The HTML of the form posting to `action`, if the page has one."""
    pattern = rf'<form[^>]*action="{re.escape(action)}(?:#[^"]*)?"[^>]*>(.*?)</form>'
    match = re.search(pattern, html, re.S)
    return match.group(1) if match else None


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    values = re.findall(r'<option[^>]*value="([^"]+)"', select.group(1)) if select else []
    return [v for v in values if v]


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)

    def on_start(self) -> None:
        with _lock:
            number = next(_numbers)
        address = "198.51.100.1" if SHARED_ADDRESS else f"198.51.100.{number % 250 + 1}"
        if not SHARED_ADDRESS and number > 250:
            address = f"203.0.113.{number % 250 + 1}"
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.client.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": address, "Accept-Language": "de"}
        )
        self.client.cookies = BehindProxyJar()

    def think(self, low: float, high: float) -> None:
        """Reading or typing: no request meanwhile."""
        gevent.sleep(random.uniform(low, high))

    def page(self, path: str, name: str, referer: str | None = None) -> str:
        headers = {"Referer": self.origin + referer} if referer else {}
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return ""
            return response.text

    def post(self, path: str, data: dict, name: str, referer: str, expect=(302, 303), **kwargs):
        headers = {"Referer": self.origin + referer, **kwargs.pop("headers", {})}
        with self.client.post(
            path,
            data=data,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code} for POST {path}")
                return None
            return response

    def follow(self, response, name: str) -> str:
        """The page a form's redirect leads to, as the browser loads it next."""
        location = response.headers.get("Location", "/")
        path = (
            "/" + location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location
        )
        return self.page(path, name)

    # What every simulated person reads.
    def home(self) -> None:
        self.page("/", "home")

    def idea_list(self) -> None:
        self.page(f"/ideas?{Plan.list_query()}", "/ideas (sort, filter, page)")

    def search(self) -> None:
        words = " ".join(random.sample(PLAN["words"], random.choice((1, 1, 2))))
        self.page(f"/ideas?q={words}", "/ideas?q= (search)")

    def idea_page(self, idea_id: int | None = None) -> str:
        idea_id = idea_id or Plan.idea()
        return self.page(f"/ideas/{idea_id}", "/ideas/[id]")

    def roadmap(self) -> None:
        self.page("/roadmap", "/roadmap")
        if PLAN["projects"]:
            self.page(f"/projects/{random.choice(PLAN['projects'])}", "/projects/[id]")

    def place_page(self) -> None:
        self.page(
            f"/municipalities/{random.choice(PLAN['municipalities'])}", "/municipalities/[slug]"
        )


class Reader(Person):
    """Anonymous: lists, ideas, search, the roadmap and project pages."""

    weight = 80

    @task(2)
    def read_home(self) -> None:
        self.home()

    @task(4)
    def read_list(self) -> None:
        self.idea_list()

    @task(6)
    def read_idea(self) -> None:
        self.idea_page()

    @task(3)
    def read_search(self) -> None:
        self.search()

    @task(1)
    def read_roadmap(self) -> None:
        self.roadmap()

    @task(1)
    def read_place(self) -> None:
        self.place_page()


class SignedIn(Person):
    """Signs in once, with an account of their own (never shared with another person)."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        with _lock:
            self.email = next(_accounts)
        form = self.page("/login", "/login")
        data = {
            "csrf_token": _field_value(form, "csrf_token"),
            "email": self.email,
            "password": PLAN["password"],
        }
        response = self.post("/login", data, "/login (sign in)", referer="/login")
        if response is not None:
            self.follow(response, "landing page after sign-in")

    @task(3)
    def read_list(self) -> None:
        self.idea_list()

    @task(1)
    def read_search(self) -> None:
        self.search()

    @task(1)
    def read_inbox(self) -> None:
        self.page("/benachrichtigungen", "/benachrichtigungen")


class SignedInReader(SignedIn):
    weight = 6

    @task(4)
    def read_idea(self) -> None:
        self.idea_page()

    @task(1)
    def read_roadmap(self) -> None:
        self.roadmap()


class Supporter(SignedIn):
    """Reads ideas and supports many of them, now and then withdrawing a support."""

    weight = 10

    @task(6)
    def support(self) -> None:
        idea_id = Plan.supportable()
        html = self.idea_page(idea_id)
        add, remove = f"/ideas/{idea_id}/support", f"/ideas/{idea_id}/unsupport"
        form = _form(html, add)
        action = add if form is not None else remove
        form = form if form is not None else _form(html, remove)
        if form is None or (action == remove and random.random() < 0.7):
            return  # their own idea, or supported before and left as it is
        self.think(1, 4)
        # As site.js does it: the form's fields, answered with JSON instead of a page.
        self.post(
            action,
            {"csrf_token": _field_value(form, "csrf_token")},
            "/ideas/[id]/support" if action == add else "/ideas/[id]/unsupport",
            referer=f"/ideas/{idea_id}",
            expect=(200,),
            headers={"Accept": "application/json"},
        )


class Commenter(Supporter):
    """Reads ideas and writes a comment now and then (typing takes 20–60 s)."""

    weight = 3

    @task(4)
    def comment(self) -> None:
        idea_id = Plan.supportable()
        html = self.idea_page(idea_id)
        form = _form(html, f"/ideas/{idea_id}/comments")
        if form is None:
            return
        self.think(20, 60)
        data = {
            "csrf_token": _field_value(form, "csrf_token"),
            "form_started": _field_value(form, "form_started"),
            "website": "",
            "parent_id": "",
            "body": random.choice(COMMENTS),
        }
        response = self.post(
            f"/ideas/{idea_id}/comments", data, "/ideas/[id]/comments", referer=f"/ideas/{idea_id}"
        )
        if response is not None:
            self.follow(response, "/ideas/[id] after writing")


class IdeaWriter(Supporter):
    """Writes an idea: the form (with similar-idea hints while typing), preview, submit."""

    weight = 1

    @task(3)
    def write_idea(self) -> None:
        html = self.page("/ideas/new", "/ideas/new")
        if not html:
            return
        title, body = random.choice(IDEAS)
        for typed in (title[:6], title[:14], title):
            self.think(1, 3)
            self.page(f"/ideas/similar?title={typed}", "/ideas/similar")
        self.think(30, 60)
        data = {
            "csrf_token": _field_value(html, "csrf_token"),
            "form_started": _field_value(html, "form_started"),
            "website": "",
            "confirmed": "",
            "title": f"{title} ({random.randint(1, 999)})",
            "body": body,
            "field": random.choice(_options(html, "field")),
            "municipality": random.choice(_options(html, "municipality")),
            "place": "",
            "latitude": "",
            "longitude": "",
        }
        preview = self.post(
            "/ideas/new", data, "/ideas/new (preview)", referer="/ideas/new", expect=(200,)
        )
        if preview is None:
            return
        if _field_value(preview.text, "confirmed") != "1":
            preview.failure("no preview: the form came back with errors")
            return
        self.think(5, 15)
        data.update(
            confirmed=_field_value(preview.text, "confirmed"),
            form_started=_field_value(preview.text, "form_started"),
        )
        response = self.post("/ideas/new", data, "/ideas/new (submit)", referer="/ideas/new")
        if response is not None:
            self.follow(response, "/ideas/[id] after writing")
