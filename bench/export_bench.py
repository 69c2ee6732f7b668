"""Wall-clock time of the XLSX exports of all ideas and all projects with a large demo set.

    .venv/bin/python bench/export_bench.py --ideas 10000
    .venv/bin/python bench/export_bench.py --database-url sqlite:////tmp/export-bench.sqlite --reuse
    .venv/bin/python bench/export_bench.py --database-url \\
        postgresql://postgres@127.0.0.1:5432/zst_bench --formats xlsx,csv,json

Builds a fresh database as bench/ideas_bench.py does (migrations, district data and
`flask demo`, which includes ratings and projects), then exports in process: through
the test client as the demo's project-team member (the whole request: queries, writing
the file, the response) and through the `flask export` command. Reports the
median of --repeat runs, every run, the file size and the SQL statements per export.
"""

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ideas_bench import build  # the same demo database as the idea pages' bench
from sqlalchemy import event, func, select

from config import database_url
from participation import create_app
from participation.demo.generate import DEMO_PASSWORD
from participation.extensions import db
from participation.ideas.models import PUBLIC_STATES, Idea
from participation.projects.models import Project

TEAM_EMAIL = "projektteam@demo.example.org"  # the demo's project-team account
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _has_data(app, wanted: int) -> bool:
    with app.app_context():
        try:
            ideas = db.session.scalar(select(func.count(Idea.id))) or 0
            return ideas >= wanted and db.session.scalar(select(func.count(Project.id))) > 0
        except Exception:  # no schema yet
            db.session.rollback()
            return False


def logged_in_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": TEAM_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, "login failed"
    return client


class StatementCounter:
    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._add)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._add)

    def _add(self, *_args):
        self.count += 1


def timed(action, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (the CPU time shows how much of the wall
    clock was waiting for a busy machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def time_http(app, client, kind: str, fmt: str, repeat: int):
    responses = []

    def export():
        responses.append(client.get(f"/pipeline/export/{kind}.{fmt}"))
        assert responses[-1].status_code == 200, (kind, fmt, responses[-1].status_code)

    with StatementCounter(app) as counter:
        walls, cpus = timed(export, repeat)
    return walls, cpus, len(responses[-1].data), counter.count // repeat


def time_cli(app, kind: str, fmt: str, repeat: int, folder: Path):
    runner = app.test_cli_runner()
    target = folder / f"{kind}.{fmt}"
    args = ["export", kind, "--format", fmt, "--output", str(target)]

    def export():
        with app.app_context():  # as `flask` (FlaskGroup) pushes one for every command
            result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output

    with StatementCounter(app) as counter:
        walls, cpus = timed(export, repeat)
    return walls, cpus, target.stat().st_size, counter.count // repeat


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="xlsx", help="comma-separated: xlsx,csv,json")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database that already has the data"
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url(url), RATELIMIT_ENABLED=False)
    app.logger.setLevel(logging.WARNING)  # no "Export ..." line per run
    if not (args.reuse and _has_data(app, args.ideas)):
        build(app, args.ideas, args.users)
    with app.app_context():
        public = db.session.scalar(
            select(func.count(Idea.id)).where(Idea.state.in_(list(PUBLIC_STATES)))
        )
        planned = db.session.scalar(select(func.count(Project.id)))
    print(f"database: {url.split(':')[0]}, {public} public ideas, {planned} projects")
    print(f"median of {args.repeat} runs in process; wall clock (CPU of this process)")
    header = f"{'export':26} {'wall s':>7} {'CPU s':>6}  {'runs, wall s':18} {'size':>9}"
    print(f"{header} {'queries':>8}")
    client = logged_in_client(app)
    folder = Path(tempfile.mkdtemp())
    for fmt in args.formats.split(","):
        for kind in ("ideas", "projects"):
            for way, measure in (
                ("HTTP", lambda k, f: time_http(app, client, k, f, args.repeat)),
                ("CLI ", lambda k, f: time_cli(app, k, f, args.repeat, folder)),
            ):
                walls, cpus, size, queries = measure(kind, fmt)
                runs = " ".join(f"{t:.2f}" for t in walls)
                print(
                    f"{way} {kind + '.' + fmt:21} {statistics.median(walls):7.2f} "
                    f"{statistics.median(cpus):6.2f}  {runs:18} {size / 1024:6.0f} KB {queries:8d}"
                )


if __name__ == "__main__":
    main()
