"""Load test: simulated people against gunicorn and PostgreSQL, then a check for drift.

    .venv/bin/pip install -e '.[bench]'     # Locust
    .venv/bin/python bench/load_test.py      # 100 people for 3 minutes, 1,000 demo ideas
    .venv/bin/python bench/load_test.py --people 30 --run-time 1m --ideas 300

Steps: empty the PostgreSQL database given by --database-url (it must hold nothing but
demo data: it is dropped and made anew), `flask db upgrade`, `seed`, `demo --ideas N`;
write the plan the simulated people follow (bench/locustfile.py: ideas, projects, search
words, one demo account per signed-in person); empty the Redis database of the rate
limits and the page cache; start gunicorn with deploy/gunicorn.conf.py and
APP_ENV=production; run Locust headless; stop gunicorn; run `flask recount --check`.

gunicorn stands where it stands in production, behind nginx (TRUSTED_PROXY_COUNT=1):
the simulated people send the two headers nginx would add, X-Forwarded-Proto (https,
so secure cookies and the forms' Referer checks apply) and X-Forwarded-For (their own
address; --shared-address gives all of them one, as behind one NAT).

Prints requests, failures, median/p95/p99 per request type and overall, requests per
second and the recount's result; exits with 1 on any failed request or any drift.
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/zst_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
SIGNED_IN_SHARE = 0.2  # Locust's weights in bench/locustfile.py: 20 of 100 sign in
# Words people search for, from the demo's ideas (participation/demo/content.py).
SEARCH_WORDS = [
    "Radweg",
    "Bürgerbus",
    "Solar",
    "Schule",
    "Spielplatz",
    "Ladestation",
    "Bahnhof",
    "Funkloch",
    "Ehrenamt",
    "Bücherei",
    "Digital",
    "Wochenmarkt",
    "Hausarzt",
    "Jugendliche",
    "Senioren",
    "Parkplatz",
    "Glasfaser",
    "Nachbarschaft",
    "Klimaschutz",
    "App",
]


def main() -> int:
    args = parse_args()
    out = Path(args.output or tempfile.mkdtemp(prefix="zst-load-"))
    out.mkdir(parents=True, exist_ok=True)
    env = app_environment(args, out)
    step(f"results in {out}")
    recreate_database(args.database_url)
    for command in (["db", "upgrade"], ["seed"], ["demo", "--ideas", str(args.ideas)]):
        started = time.monotonic()
        flask(command, env, log=out / "setup.log")
        step(f"flask {' '.join(command)}: {time.monotonic() - started:.0f} s")
    plan = write_plan(args, out)
    step(
        f"plan: {len(plan['ideas'])} listed ideas, {len(plan['supportable'])} open for "
        f"support, {len(plan['projects'])} projects, {len(plan['accounts'])} accounts"
    )
    flush_redis(args.redis_url)
    server = start_gunicorn(args, env, out)
    try:
        locust_code = run_locust(args, out, plan_path=out / "plan.json")
    finally:
        stop(server)
    recount = flask(["recount", "--check"], env, check=False)
    return report(out, locust_code, recount)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--ideas", type=int, default=1000, help="demo ideas (flask demo)")
    parser.add_argument("--people", type=int, default=100, help="simulated people")
    parser.add_argument("--spawn-rate", type=float, default=10, help="people started per second")
    parser.add_argument("--run-time", default="3m", help="Locust's --run-time, e.g. 3m")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one)")
    parser.add_argument("--output", help="folder for the CSV files and logs (default: a new one)")
    parser.add_argument(
        "--shared-address",
        action="store_true",
        help="all simulated people behind one address (per-address rate limits)",
    )
    return parser.parse_args()


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def app_environment(args, out: Path) -> dict:
    if args.port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAGE_CACHE", "PHOTO_", "MAIL_"))
    }
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=args.database_url,
        RATELIMIT_STORAGE_URI=args.redis_url,
        TRUSTED_PROXY_COUNT="1",
        SITE_URL=f"https://127.0.0.1:{args.port}",
        PHOTO_FOLDER=str(out / "photos"),
        MAIL_URL="",  # mails go to the log, as in development
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
    )
    return env


def flask(command: list[str], env: dict, log: Path | None = None, check: bool = True):
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "participation", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if log is not None:
        with log.open("a") as handle:
            handle.write(f"$ flask {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if check and result.returncode != 0:
        sys.exit(f"flask {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def recreate_database(url: str) -> None:
    """Drop and create the database, after making sure it holds demo data only."""
    import psycopg

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        sys.exit(f"unexpected database name: {name!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            refuse_real_data(urlunsplit(parts))
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    step(f"database {name} created afresh")


def refuse_real_data(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as connection:
        has_users = connection.execute("SELECT to_regclass('public.users')").fetchone()[0]
        if has_users is None:
            return
        others = connection.execute(
            "SELECT count(*) FROM users WHERE email NOT LIKE '%%@demo.example.org'"
        ).fetchone()[0]
    if others:
        sys.exit(f"{url} has {others} accounts that are not demo accounts: not emptied.")


def write_plan(args, out: Path) -> dict:
    import psycopg

    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    signed_in = max(round(args.people * SIGNED_IN_SHARE) + 5, 10)
    with psycopg.connect(url) as connection:

        def column(query: str, *params) -> list:
            return [row[0] for row in connection.execute(query, params).fetchall()]

        plan = {
            "ideas": column("SELECT id FROM ideas WHERE listed ORDER BY id"),
            "supportable": column("SELECT id FROM ideas WHERE state = 'published' ORDER BY id"),
            "projects": column("SELECT id FROM projects ORDER BY id"),
            "fields": column("SELECT slug FROM fields_of_action ORDER BY position"),
            "municipalities": column(
                "SELECT slug FROM municipalities WHERE NOT is_district_wide ORDER BY position"
            ),
            # Demo residents: confirmed, without a role, so no second factor is asked.
            "accounts": column(
                "SELECT email FROM users WHERE email LIKE 'person%%@demo.example.org' "
                "AND confirmed_at IS NOT NULL AND blocked_at IS NULL AND deleted_at IS NULL "
                "AND id NOT IN (SELECT user_id FROM role_assignments) ORDER BY id LIMIT %s",
                signed_in,
            ),
            "password": "demo-passwort",
            "words": SEARCH_WORDS,
        }
    if len(plan["accounts"]) < signed_in:
        sys.exit(f"only {len(plan['accounts'])} demo accounts; {signed_in} needed")
    (out / "plan.json").write_text(json.dumps(plan))
    return plan


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()
    step(f"{url} emptied (rate limits, page cache)")


def start_gunicorn(args, env: dict, out: Path) -> subprocess.Popen:
    config = ROOT / "deploy" / "gunicorn.conf.py"
    options = ["-c", str(config)] if config.exists() else ["--workers", "2"]
    options += ["--bind", env["GUNICORN_BIND"]]
    log = (out / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), *options, "participation:create_app()"],
        cwd=ROOT,
        env={**env, "PROMETHEUS_MULTIPROC_DIR": str(out / "metrics")},  # as in production
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{args.port}/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn ended early, see {out / 'gunicorn.log'}")
        try:
            with urlopen(url, timeout=2) as response:
                if response.status == 200:
                    step(f"gunicorn ({' '.join(options)}) answers on port {args.port}")
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_locust(args, out: Path, plan_path: Path) -> int:
    env = dict(os.environ, ZST_LOAD_PLAN=str(plan_path))
    if args.shared_address:
        env["ZST_LOAD_SHARED_ADDRESS"] = "1"
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.people),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.run_time,
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--stop-timeout",
        "90",  # a person writing an idea finishes it
    ]
    step(f"Locust: {args.people} people, {args.run_time}")
    with (out / "locust.log").open("w") as log:
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        while locust.poll() is None:
            time.sleep(15)
            progress(out)
    return locust.returncode


def progress(out: Path) -> None:
    total = aggregated(out)
    if total:
        step(
            f"  {total['Request Count']} requests, {total['Failure Count']} failed, "
            f"{float(total['Requests/s']):.1f}/s, p95 {total['95%']} ms"
        )


def aggregated(out: Path) -> dict | None:
    rows = stats_rows(out)
    return next((row for row in rows if row["Name"] == "Aggregated"), None)


def stats_rows(out: Path) -> list[dict]:
    path = out / "locust_stats.csv"
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def report(out: Path, locust_code: int, recount) -> int:
    rows = stats_rows(out)
    print()
    print(f"{'request':44} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6} {'/s':>6}")
    for row in rows:
        name = f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "overall"
        print(
            f"{name[:44]:44} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{row['50%']:>7} {row['95%']:>6} {row['99%']:>6} {float(row['Requests/s']):6.1f}"
        )
    print("(times in ms)")
    failures = failure_lines(out)
    for line in failures[:20]:
        print(f"failure: {line}")
    total = aggregated(out) or {"Failure Count": "?"}
    drift = recount.stdout.strip().splitlines()[-1] if recount.stdout.strip() else recount.stderr
    print(f"flask recount --check: {drift}")
    print(f"logs and CSV files: {out}")
    ok = locust_code == 0 and total["Failure Count"] == "0" and recount.returncode == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def failure_lines(out: Path) -> list[str]:
    path = out / "locust_failures.csv"
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        counts = Counter()
        for row in csv.DictReader(handle):
            counts[f"{row['Method']} {row['Name']}: {row['Error']}"] += int(row["Occurrences"])
    return [f"{text} ({count}×)" for text, count in counts.most_common()]


if __name__ == "__main__":
    sys.exit(main())
