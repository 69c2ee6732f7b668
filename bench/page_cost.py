"""What each page costs under gunicorn, as a multiple of a bare Flask response.

    .venv/bin/python bench/page_cost.py --ideas 1000
    .venv/bin/python bench/page_cost.py --ideas 100000 --reuse \\
        --database-url postgresql://postgres@127.0.0.1:5432/zst_bench

Builds the database with the site's own commands (`flask db upgrade`, `seed`,
`demo --ideas N`; a temporary SQLite file unless --database-url names one, which
is emptied), unless --reuse finds it filled already. Then starts two gunicorn
servers with the same number of workers on this machine: the site in production
settings, and bench/bare_app.py, a Flask app answering "Hallo". Requests go
one at a time over a new connection each, alternating between a page and the
bare response, so both see the same machine; the table gives each page's median
and 95th percentile as a multiple of the bare response's median.

Pages are requested as an anonymous visitor, /pipeline as the demo project-team
member (signed in with password and second factor, like a person).
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

# Budget per page, as a multiple of the bare response's median (issue 14).
PUBLIC_PAGES = {
    "/": 3,
    "/ideas": 3,
    "/ideas/<idea>": 3,
    "/roadmap": 3,
    "/ideas?q=radweg": 4,
}
TEAM_PAGES = {"/pipeline": 10}
TEAM_EMAIL = "projektteam@demo.example.org"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "participation", *args], env=env, cwd=ROOT, check=True
    )


def build(env: dict, ideas: int, users: int) -> None:
    from sqlalchemy import create_engine, text

    from config import database_url

    engine = create_engine(database_url(env["DATABASE_URL"]))
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed")
    flask(env, "demo", "--ideas", str(ideas), "--users", str(users))
    print(f"Demodaten: {ideas} Ideen in {time.perf_counter() - started:.0f} s", flush=True)


def database_facts(url: str) -> dict:
    """The ids the pages need, the sizes, and a second factor for the team member."""
    import pyotp
    from sqlalchemy import create_engine, text

    from config import database_url

    engine = create_engine(database_url(url))
    secret = pyotp.random_base32()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
        facts = {
            "ideas": connection.scalar(text("SELECT count(*) FROM ideas")),
            "supports": connection.scalar(text("SELECT count(*) FROM supports")),
            "idea": connection.scalar(
                text(
                    "SELECT id FROM ideas WHERE state = 'published' "
                    "ORDER BY comment_count DESC, id LIMIT 1"
                )
            ),
            "totp": secret,
        }
        connection.execute(
            text(
                "UPDATE users SET totp_secret = :secret, second_factor_at = CURRENT_TIMESTAMP "
                "WHERE email = :email"
            ),
            {"secret": secret, "email": TEAM_EMAIL},
        )
    engine.dispose()
    return facts


@contextmanager
def gunicorn(app: str, workers: int, env: dict):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get(port, "/healthz" if "participation" in app else "/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{app} startet nicht")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept-Encoding": "br, gzip", "Accept-Language": "de"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


class Session:
    """Cookies and forms by hand, so the client costs as little as for the bare page."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie, "Referer": f"http://127.0.0.1:{self.port}{path}"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        data = response.read().decode()
        connection.close()
        return response.status, response.getheader("Location", ""), data

    def submit(self, path: str, fields: dict) -> tuple[int, str]:
        _, _, page = self.request("GET", path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        status, location, _ = self.request("POST", path, {**fields, "csrf_token": token[1]})
        return status, location


def sign_in_team(port: int, secret: str) -> str:
    import pyotp

    from participation.demo.generate import DEMO_PASSWORD

    session = Session(port)
    status, location = session.submit("/login", {"email": TEAM_EMAIL, "password": DEMO_PASSWORD})
    if status != 302 or "/login/code" not in location:
        raise RuntimeError(f"Anmeldung des Projektteams: {status} {location}")
    status, _ = session.submit("/login/code", {"code": pyotp.TOTP(secret).now()})
    if status != 302:
        raise RuntimeError(f"Zweiter Faktor des Projektteams: {status}")
    return session.cookie


def measure(site: int, bare: int, path: str, rounds: int, cookie: str = "", fresh=False):
    """`fresh`: a new query parameter each time, so no kept copy can answer."""
    for _ in range(10):  # warm-up: imports, caches, connections in both servers' workers
        get(site, path, cookie)
        get(bare, "/")
    page_times, bare_times, size = [], [], 0
    for number in range(rounds):
        started = time.perf_counter()
        get(bare, "/")
        bare_times.append(time.perf_counter() - started)
        asked = f"{path}{'&' if '?' in path else '?'}frisch={number}" if fresh else path
        started = time.perf_counter()
        status, body = get(site, asked, cookie)
        page_times.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        size = len(body)
    return page_times, bare_times, size


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=1000)
    parser.add_argument("--users", type=int, default=None, help="default: ideas / 5")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reuse", action="store_true", help="keep a filled database")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--fresh-rounds", type=int, default=50, help="rounds without kept copies")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--team", action="store_true", help="also /pipeline, signed in")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PHOTO_FOLDER": tempfile.mkdtemp(),
        "LOG_FORMAT": "text",
        "ACCESS_LOG": "0",
    }
    if not args.reuse:
        build(env, args.ideas, args.users or max(args.ideas // 5, 150))
    facts = database_facts(url)
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"{database}: {facts['ideas']} Ideen, {facts['supports']} Unterstützungen; "
        f"gunicorn mit {args.workers} Workern; {args.rounds} Runden",
        flush=True,
    )
    pages = dict(PUBLIC_PAGES)
    if args.team:
        pages.update(TEAM_PAGES)
    over = 0
    bare_app = "bench.bare_app:app"
    with (
        gunicorn("participation:create_app()", args.workers, env) as site,
        gunicorn(bare_app, args.workers, env) as bare,
    ):
        cookie = sign_in_team(site, facts["totp"]) if args.team else ""
        print(
            f"{'Seite':28} {'Median':>9} {'p95':>9} {'× bar':>7} {'Budget':>7} {'Bytes':>7}"
            f" {'frisch':>9} {'× bar':>7}"
        )
        bare_medians = []
        for pattern, budget in pages.items():
            path = pattern.replace("<idea>", str(facts["idea"]))
            page_cookie = cookie if pattern in TEAM_PAGES else ""
            page_times, bare_times, size = measure(site, bare, path, args.rounds, page_cookie)
            bare_median = statistics.median(bare_times)
            bare_medians.append(bare_median)
            median = statistics.median(page_times)
            p95 = statistics.quantiles(page_times, n=20)[-1]
            ratio = median / bare_median
            fresh, fresh_bare, _ = measure(site, bare, path, args.fresh_rounds, page_cookie, True)
            fresh_median = statistics.median(fresh)
            fresh_ratio = fresh_median / statistics.median(fresh_bare)
            verdict = "ok" if ratio <= budget else "ZU TEUER"
            over += ratio > budget
            print(
                f"{pattern:28} {median * 1000:7.2f}ms {p95 * 1000:7.2f}ms {ratio:6.1f}× "
                f"{budget:6d}× {size:7d} {fresh_median * 1000:7.2f}ms {fresh_ratio:6.1f}× "
                f"{verdict}",
                flush=True,
            )
        print(f"bare Flask: Median {statistics.median(bare_medians) * 1000:.2f} ms")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
