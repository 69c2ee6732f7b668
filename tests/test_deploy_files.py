"""deploy/: the environment template names every variable the app reads and loads as a
production configuration; gunicorn takes its config; the systemd timers run the jobs
`flask jobs` knows, on the schedule it lists."""

import ast
import configparser
import os
import re
import runpy
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from config import BASE_DIR
from participation.jobs import JOBS

DEPLOY = BASE_DIR / "deploy"
ENV_TEMPLATE = DEPLOY / "env.example"
GUNICORN_CONFIG = DEPLOY / "gunicorn.conf.py"
SYSTEMD = DEPLOY / "systemd"
# Read from the environment, but not the operator's to set.
NOT_FOR_OPERATORS = {
    "TEST_DATABASE_URL": "the test suite's database",
    "TEST_PAGE_CACHE_SECONDS": "the test suite's page cache",
    "RUNTIME_DIRECTORY": "set by systemd from RuntimeDirectory=",
}
GUNICORN = (sys.executable, "-m", "gunicorn")
READERS = {"os.environ.get", "os.environ.pop", "os.environ.setdefault", "os.getenv"}
ASSIGNMENT = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")


def environment_reads(source: str) -> set[str]:
    """Names read with os.environ.get / os.environ[...] / os.getenv / `in os.environ`."""
    names = (_name_read(node) for node in ast.walk(ast.parse(source)))
    return {name for name in names if name}


def _name_read(node) -> str | None:
    is_call = isinstance(node, ast.Call) and node.args and _is_constant(node.args[0])
    if is_call and ast.unparse(node.func) in READERS:
        return node.args[0].value
    if isinstance(node, ast.Subscript) and _is_constant(node.slice) and _is_environ(node.value):
        return node.slice.value
    is_test = isinstance(node, ast.Compare) and _is_constant(node.left)
    if is_test and any(_is_environ(c) for c in node.comparators):
        return node.left.value
    return None


def _is_environ(node) -> bool:
    return ast.unparse(node) == "os.environ"  # a WSGI `environ` is a request's


def _is_constant(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def app_sources() -> list[Path]:
    return [
        BASE_DIR / "config.py",
        GUNICORN_CONFIG,
        *sorted((BASE_DIR / "participation").rglob("*.py")),
    ]


def read_by_the_app() -> dict[str, str]:
    """Every variable name the app reads, with the first file that reads it."""
    names = {}
    for path in app_sources():
        for name in sorted(environment_reads(path.read_text())):
            names.setdefault(name, str(path.relative_to(BASE_DIR)))
    return names


def template_lines() -> list[tuple[str, str, bool]]:
    """(name, value, set) of each assignment in env.example; commented ones are not set."""
    lines = []
    for line in ENV_TEMPLATE.read_text().splitlines():
        if match := ASSIGNMENT.match(line):
            value = match[2]
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            lines.append((match[1], value, not line.startswith("#")))
    return lines


def template_values() -> dict[str, str]:
    return {name: value for name, value, is_set in template_lines() if is_set}


# --- env.example ----------------------------------------------------------------------


def test_the_check_finds_every_way_of_reading_a_variable():
    source = (
        "import os\n"
        "a = os.environ.get('ONE', 'x')\nb = os.environ['TWO']\nc = os.getenv('THREE')\n"
        "d = 'FOUR' in os.environ\ne = os.environ.get(name)\n"
        "def app(environ, start_response):\n    return environ.get('HTTP_HOST')\n"
    )
    assert environment_reads(source) == {"ONE", "TWO", "THREE", "FOUR"}
    assert {"SECRET_KEY", "DATABASE_URL", "APP_ENV", "GUNICORN_BIND"} <= set(read_by_the_app())


def test_env_example_names_every_variable_the_app_reads():
    mentioned = {name for name, _value, _set in template_lines()}
    missing = {
        name: path
        for name, path in read_by_the_app().items()
        if name not in mentioned and name not in NOT_FOR_OPERATORS
    }
    assert missing == {}, "in deploy/env.example nachtragen (mit einer Zeile Erklärung)"


def test_env_example_names_each_variable_once_with_an_explanation():
    names = [name for name, _value, _set in template_lines()]
    assert len(names) == len(set(names))
    lines = ENV_TEMPLATE.read_text().splitlines()
    for index, line in enumerate(lines):
        if ASSIGNMENT.match(line):
            above = next(a for a in reversed(lines[:index]) if not ASSIGNMENT.match(a))
            assert above.startswith("# "), f"{line}: ohne Kommentar darüber"


def test_env_example_reads_the_same_in_a_shell_as_in_systemd():
    """Operators load it with `set -a; . /etc/zukunft-st/env` too."""
    script = f'set -a; . "{ENV_TEMPLATE}"; env -0'
    result = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        env={"PATH": os.environ["PATH"]},
        check=True,
        timeout=30,
    )
    shell = dict(item.split("=", 1) for item in result.stdout.decode().split("\0") if item)
    values = template_values()
    assert {name: shell.get(name) for name in values} == values


def test_env_example_with_a_key_makes_a_production_app(tmp_path):
    """Its values parse (numbers are numbers); only the key is left to fill in."""
    values = template_values()
    assert values["APP_ENV"] == "production"
    assert values["SECRET_KEY"] == "", "no usable key may ship in a template"
    settings = read_by_the_app()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in settings},
        **values,
        "SECRET_KEY": "s" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite'}",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR")
    probe = (
        "from participation import create_app; c = create_app().config; "
        "print(c['ENV_NAME'], c['TRUSTED_PROXY_COUNT'], c['SESSION_COOKIE_SECURE'], "
        "c['SITE_URL'], c['RATELIMIT_STORAGE_URI'], c['MAIL_DELIVER_AFTER_REQUEST'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=environment,
        cwd=BASE_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "production",
        "1",
        "True",
        values["SITE_URL"],
        "redis://127.0.0.1:6379/0",
        "False",
    ]
    assert values["SITE_URL"].startswith("https://")


# --- gunicorn.conf.py -----------------------------------------------------------------


def load_gunicorn_config(monkeypatch, **environment) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "RUNTIME_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONFIG))


def test_gunicorn_listens_where_nginx_sends_and_trusts_only_it(monkeypatch):
    config = load_gunicorn_config(monkeypatch)
    assert (config["bind"], config["workers"], config["threads"]) == ("127.0.0.1:8000", 2, 1)
    assert config["forwarded_allow_ips"] == "127.0.0.1"
    assert config["preload_app"] is False
    assert "control_socket" not in config

    config = load_gunicorn_config(
        monkeypatch,
        GUNICORN_BIND="127.0.0.1:9001",
        GUNICORN_WORKERS="5",
        GUNICORN_THREADS="4",
        RUNTIME_DIRECTORY="/run/zukunft-st",
    )
    assert (config["bind"], config["workers"], config["threads"]) == ("127.0.0.1:9001", 5, 4)
    assert config["control_socket"] == "/run/zukunft-st/gunicorn.ctl"


def test_gunicorn_accepts_the_config_and_loads_the_app(tmp_path):
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "s" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite'}",
        "GUNICORN_WORKERS": "3",
    }
    result = subprocess.run(
        [*GUNICORN, "-c", str(GUNICORN_CONFIG), "--print-config", "participation:create_app()"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=BASE_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, flags=re.M))
    assert settings["workers"] == "3"
    assert settings["forwarded_allow_ips"] == "['127.0.0.1']"
    assert settings["accesslog"] == "None"


def test_gunicorn_forgets_the_live_gauges_of_an_ended_worker(monkeypatch, tmp_path):
    files = ["gauge_livesum_4321.db", "gauge_liveall_4321.db", "gauge_livesum_99.db"]
    for name in [*files, "counter_4321.db"]:
        (tmp_path / name).write_bytes(b"")
    config = load_gunicorn_config(monkeypatch)
    worker = types.SimpleNamespace(pid=4321)

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    config["child_exit"](None, worker)
    assert len(list(tmp_path.iterdir())) == 4

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config["child_exit"](None, worker)
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == ["counter_4321.db", "gauge_livesum_99.db"], "counters outlive the worker"


def test_gunicorn_starts_with_an_empty_metrics_folder(monkeypatch, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    (folder / "keep.txt").write_text("not ours")
    config = load_gunicorn_config(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(folder))

    config["on_starting"](None)

    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


# --- systemd --------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(SYSTEMD / name)
    return parser


def test_every_job_has_a_timer_on_the_schedule_jobs_list_shows():
    timers = {path.name for path in SYSTEMD.glob("*.timer")}
    assert timers == {f"zukunft-st-{name}.timer" for name in JOBS}
    for name, job in JOBS.items():
        timer = unit(f"zukunft-st-{name}.timer")["Timer"]
        assert timer["OnCalendar"] == job.schedule
        assert timer["Unit"] == f"zukunft-st-job@{name}.service"


def test_the_units_run_the_app_as_its_user_with_the_environment_file():
    web = unit("zukunft-st.service")["Service"]
    job = unit("zukunft-st-job@.service")["Service"]
    assert job["ExecStart"].endswith("flask --app participation jobs %i")
    assert "-c deploy/gunicorn.conf.py 'participation:create_app()'" in web["ExecStart"]
    for service in (web, job):
        assert service["User"] == "zukunft-st"
        assert service["EnvironmentFile"] == "/etc/zukunft-st/env"
        assert service["WorkingDirectory"] == "/srv/zukunft-st"
        assert service["NoNewPrivileges"] == "yes"
        assert service["ProtectSystem"] == "strict"
        assert service["ReadWritePaths"] == "/srv/zukunft-st/instance"
        assert service["PrivateTmp"] == "yes"
    assert job["Type"] == "oneshot"
    template = template_values()
    assert template["PROMETHEUS_MULTIPROC_DIR"].startswith(f"/run/{web['RuntimeDirectory']}/")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze fehlt")
def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` on copies that point at this checkout instead of /srv."""
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace("/srv/zukunft-st", str(BASE_DIR))
        (tmp_path / path.name).write_text(text)
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        pytest.skip(f"{gunicorn} fehlt (make install)")
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
