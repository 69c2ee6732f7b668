"""The pieces of an installation with two application servers, run from a test: a
PostgreSQL database of its own, a certificate, an SMTP server that keeps what it gets,
gunicorn processes and the Debian package's nginx with deploy/nginx's site."""

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as default_policy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests
from requests.adapters import HTTPAdapter

from config import BASE_DIR

SITE_FILE = BASE_DIR / "deploy" / "nginx" / "zukunft-st.conf"
GUNICORN_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"
WORKERS_PER_SERVER = 2


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- nginx -----------------------------------------------------------------------------


def render_site(
    *,
    http_port: int,
    https_port: int,
    certificate: Path,
    key: Path,
    app_folder: Path,
    upstreams: list[str],
) -> str:
    """deploy/nginx's site with this machine's ports, paths and servers put in. Every
    placeholder must be there: a changed site file fails here, not somewhere later."""
    text = SITE_FILE.read_text()
    servers = "\n    ".join(f"server {upstream};" for upstream in upstreams)
    replacements = [
        ("/etc/letsencrypt/live/beteiligung.example.org/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/beteiligung.example.org/privkey.pem", str(key)),
        ("server_name beteiligung.example.org;", "server_name 127.0.0.1;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("root /srv/zukunft-st;", f"root {app_folder};"),
        ("server 127.0.0.1:8000;", servers),
    ]
    for old, new in replacements:
        assert old in text, f"{SITE_FILE.relative_to(BASE_DIR)} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """An nginx.conf of the test's own (pid, logs, temporary files in `folder`) that
    includes the site as Debian's nginx.conf includes sites-enabled/."""
    # As root, nginx would run its workers as nobody, who may not enter `folder`.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} notice;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    log_format ids '$remote_addr "$request" $status $request_id $upstream_addr';
    access_log {folder / "access.log"} ids;
{temporary}
    # Test only: which gunicorn answered. The site's proxy location sets no header of its
    # own, so it inherits this one; what nginx answers itself does not carry it.
    add_header X-Upstream $upstream_addr always;
    include {site};
}}
"""


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1; the test's clients trust it as their CA."""
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


# --- processes -------------------------------------------------------------------------


class Process:
    """A server started in a process group of its own, so stopping it stops its workers."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        with log.open("wb") as output:
            self.popen = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_running(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} ended with {self.popen.returncode}:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)


def gunicorn(name: str, port: int, env: dict, folder: Path) -> Process:
    """One application server as deploy/systemd starts it, with deploy/gunicorn.conf.py."""
    runtime = folder / f"run-{port}"  # systemd's RuntimeDirectory: the control socket
    runtime.mkdir()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS_PER_SERVER),
        "RUNTIME_DIRECTORY": str(runtime),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)]
    return Process(name, [*command, "participation:create_app()"], env, folder / f"{name}.log")


def nginx(config: Path, folder: Path) -> Process:
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    # -e: nginx writes to its error log before it has read the configuration.
    command = [binary, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)]
    return Process("nginx", command, dict(os.environ), folder / "nginx.out")


def check_config(config: Path, folder: Path) -> subprocess.CompletedProcess:
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    command = [binary, "-t", "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def wait_until_answering(url: str, process: Process, verify: str | bool = False) -> None:
    client = requests.Session()
    client.trust_env = False  # no proxy from the environment in between
    deadline = time.monotonic() + 60
    while True:
        process.check_running()
        try:
            if client.get(url, timeout=5, verify=verify).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within a minute:\n{process.tail()}")
        time.sleep(0.2)


def flask_command(env: dict, *args: str) -> subprocess.Popen:
    """`flask --app participation <args>` as an operator runs it on a server."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "participation", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(command: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """What the command printed, once it ended; it is killed if it takes too long."""
    try:
        return command.communicate(timeout=timeout)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()


def run_flask(env: dict, *args: str) -> str:
    command = flask_command(env, *args)
    out, err = finish(command, timeout=300)
    if command.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} ended with {command.returncode}:\n{err}")
    return out


# --- the database ----------------------------------------------------------------------


def _libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    assert scheme.split("+")[0] in ("postgres", "postgresql"), url
    return f"postgresql://{rest}"


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url`; dropped afterwards."""
    parts = urlsplit(_libpq_url(server_url))
    name = f"zst_two_servers_{secrets.token_hex(4)}"
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- mail ------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping every mail. With `hold_first`, the first mail waits until
    a second one is being delivered at the same time (each sender sends one mail after
    the other, so that is a second sender), or until `hold_seconds` passed."""

    def __init__(self, delay: float = 0.02):
        self.delay = delay
        self.messages = []
        self.hold_first = False
        self.hold_seconds = 20.0
        self._in_flight = 0
        self._released: asyncio.Event | None = None

    def expect_two_senders(self) -> None:
        self.hold_first, self._released = True, None

    async def handle_DATA(self, server, session, envelope):
        self._in_flight += 1
        try:
            await self._hold()
            await asyncio.sleep(self.delay)
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        finally:
            self._in_flight -= 1
        return "250 OK"

    async def _hold(self) -> None:
        if not self.hold_first:
            return
        if self._released is None:
            self._released = asyncio.Event()
        if self._in_flight >= 2:
            self.hold_first = False
            self._released.set()
            return
        try:
            await asyncio.wait_for(self._released.wait(), self.hold_seconds)
        except TimeoutError:
            self.hold_first = False


# --- browsers --------------------------------------------------------------------------


class _FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.0.0.0/8 is all this machine's)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_connections=2, pool_maxsize=4)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


class Visitor:
    """A person's browser: cookies of their own, from a network address of their own."""

    def __init__(self, base_url: str, ca: Path, address: str):
        self.base_url, self.address = base_url, address
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment in between
        self.http.verify = str(ca)
        adapter = _FromAddress(address)
        self.http.mount("https://", adapter)
        self.http.mount("http://", adapter)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base_url + path, allow_redirects=False, timeout=60, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        # Over https, the CSRF check wants a Referer of the same origin, as browsers send.
        headers = {"Referer": self.base_url + path, **kwargs.pop("headers", {})}
        return self.http.post(
            self.base_url + path, allow_redirects=False, timeout=120, headers=headers, **kwargs
        )

    def form(self, path: str, action: str | None = None) -> dict[str, str]:
        """The hidden fields (CSRF token, ...) of the form on `path` that posts to `action`."""
        page = self.get(path)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        return hidden_fields(page.text, action or path)

    def sign_in(self, email: str, password: str) -> requests.Response:
        fields = self.form("/login")
        return self.post("/login", data={**fields, "email": email, "password": password})

    def close(self) -> None:
        self.http.close()


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append((attributes.get("action") or "", {}))
        elif tag == "input" and self.forms and attributes.get("type") == "hidden":
            name = attributes.get("name")
            if name:
                self.forms[-1][1][name] = attributes.get("value") or ""


def hidden_fields(html: str, action: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(html)
    paths = {
        form_action.split("?")[0].split("#")[0]: fields for form_action, fields in parser.forms
    }
    for candidate in (action, ""):  # "": the form posts back to its own page
        if candidate in paths:
            return paths[candidate]
    raise AssertionError(f"no form posting to {action}")


def upstream(response: requests.Response) -> str:
    """Which gunicorn answered, as nginx told (tests/deployment's nginx.conf)."""
    served_by = response.headers.get("X-Upstream")
    assert served_by, f"{response.url}: not answered by an application server"
    return served_by
