"""Server time and SQL queries of the idea, roadmap and pipeline pages with a large demo set.

    .venv/bin/python bench/ideas_bench.py --ideas 10000
    .venv/bin/python bench/ideas_bench.py --ideas 10000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/zst_bench

Builds a fresh database (a temporary SQLite file, or the given PostgreSQL
database, which is emptied), runs the migrations, seeds the district data,
generates demo content with `flask demo` (ideas, ratings, projects), then
requests each page through the WSGI app (no network; pipeline pages as the demo
project-team member) and reports the median and 95th percentile of the server time and
the number of SQL statements per request.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp
from flask_migrate import upgrade
from sqlalchemy import event, func, select, text

from config import database_url
from participation import create_app
from participation.accounts.models import User
from participation.accounts.second_factor import totp
from participation.demo.generate import DEMO_PASSWORD
from participation.extensions import db
from participation.ideas.models import Idea, IdeaState
from participation.projects.models import Project
from participation.strategy.services import seed_district
from participation.templating import load_district_data
from participation.timeutil import utcnow

PAGES = [
    "/ideas",
    "/ideas?sort=supported",
    "/ideas?sort=discussed",
    "/ideas?sort=trending",
    "/ideas?q=radweg",
    "/ideas?field=mobilitaet&municipality=rheine",
    "/ideas?page=50",
]
TEAM_PAGES = [
    "/pipeline",
    "/pipeline?taken=published&rated=yes&min_supports=10&sort=rating",
    "/pipeline/matrix",
    "/pipeline/stats",
    "/pipeline/projects",
    "/pipeline/projects/<id>/edit",
]


def build(app, ideas: int, users: int) -> None:
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        seed_district(load_district_data(app.config["DISTRICT_DATA"]))
        started = time.perf_counter()
        db.session.commit()
        result = app.test_cli_runner().invoke(
            args=["demo", "--ideas", str(ideas), "--users", str(users)]
        )
        assert result.exit_code == 0, result.output
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"demo data: {ideas} ideas, {users} users in {time.perf_counter() - started:.1f} s")


def _has_ideas(app, wanted: int) -> bool:
    with app.app_context():
        try:
            return (db.session.scalar(select(func.count(Idea.id))) or 0) >= wanted
        except Exception:  # no schema yet
            db.session.rollback()
            return False


TEAM_EMAIL = "projektteam@demo.example.org"


def team_client(app):
    """The demo's project-team member, with an authenticator app: roles need one."""
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == TEAM_EMAIL))
        if member.second_factor_at is None:
            member.totp_secret, member.second_factor_at = totp.new_secret(), utcnow()
        member.totp_last_step = None
        secret = member.totp_secret
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": TEAM_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "demo team login failed"
    if response.headers["Location"].endswith("/login/code"):
        response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302, "demo team's second factor failed"
    return client


def measure(client, app, path: str, repeat: int) -> tuple[list[float], int, int]:
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)  # warm-up
        timings = []
        for _ in range(repeat):
            counter["n"] = 0
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        return timings, counter["n"], len(response.data)
    finally:
        event.remove(engine, "before_cursor_execute", count)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database that already has the ideas"
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url(url),
        RATELIMIT_ENABLED=False,
        WTF_CSRF_ENABLED=False,
    )
    if not (args.reuse and _has_ideas(app, args.ideas)):
        build(app, args.ideas, args.users)
    with app.app_context():
        idea_id = db.session.scalar(
            select(Idea.id)
            .where(Idea.state == IdeaState.PUBLISHED)
            .order_by(Idea.comment_count.desc())
        )
        project_id = db.session.scalar(select(func.max(Project.id)))
    print(f"database: {url.split(':')[0]}, repeat {args.repeat}")
    print(f"{'page':48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    public = [*PAGES, f"/ideas/{idea_id}", "/roadmap", f"/projects/{project_id}"]
    internal = [p.replace("<id>", str(project_id)) for p in TEAM_PAGES]
    anonymous = app.test_client()
    for client, paths in ((anonymous, public), (team_client(app), internal)):
        for path in paths:
            timings, queries, size = measure(client, app, path, args.repeat)
            p95 = statistics.quantiles(timings, n=20)[-1]
            median = statistics.median(timings)
            print(f"{path:48} {median:10.1f} {p95:8.1f} {queries:8d} {size:8d}")


if __name__ == "__main__":
    main()
