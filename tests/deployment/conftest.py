"""Two application servers behind nginx, as deploy/ describes them, started once per module.

They share a PostgreSQL database made for the test (not the test session's), the Redis of
TEST_REDIS_URL (emptied first) and a photo folder. Without nginx, gunicorn, PostgreSQL or
Redis the tests are skipped with the reason; REQUIRE_DEPLOYMENT_TEST=1 (CI) fails instead.
"""

import importlib.util
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

from config import BASE_DIR, database_url
from participation import create_app
from participation.extensions import db
from tests.deployment import stack


def missing_requirement() -> str | None:
    if not os.environ.get("TEST_DATABASE_URL", "").startswith(("postgresql", "postgres:")):
        return "TEST_DATABASE_URL nennt keine PostgreSQL-Datenbank"
    if not os.environ.get("TEST_REDIS_URL"):
        return "TEST_REDIS_URL ist nicht gesetzt (z. B. redis://127.0.0.1:6379/15)"
    if not stack.nginx_binary():
        return "nginx ist nicht installiert (apt-get install nginx)"
    if not shutil.which("openssl"):
        return "openssl ist nicht installiert"
    for module in ("gunicorn", "aiosmtpd"):
        if importlib.util.find_spec(module) is None:
            return f"{module} ist nicht installiert (make install)"
    return None


def require(reason: str | None) -> None:
    if reason is None:
        return
    if os.environ.get("REQUIRE_DEPLOYMENT_TEST") == "1":
        pytest.fail(f"REQUIRE_DEPLOYMENT_TEST=1, aber {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Stack:
    base_url: str  # https through nginx
    http_url: str  # plain http through nginx
    certificate: Path
    upstreams: tuple[str, str]  # the two gunicorn servers, host:port
    app: Flask  # the same database and key, from the test's process
    env: dict  # the servers' environment, for their operator commands
    inbox: stack.Inbox
    folder: Path
    visitors: list = field(default_factory=list)

    def visitor(self, address: str) -> stack.Visitor:
        visitor = stack.Visitor(self.base_url, self.certificate, address)
        self.visitors.append(visitor)
        return visitor

    @contextmanager
    def database(self) -> Iterator[None]:
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def progress(request):
    """Lines on the terminal while the slow steps run (pytest keeps print() for failures)."""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    started = time.monotonic()

    def say(text: str) -> None:
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"[zwei Server, {time.monotonic() - started:5.1f} s] {text}")

    return say


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, progress) -> Iterator[Stack]:
    reason = missing_requirement()
    require(reason and f"zwei Server hinter nginx: {reason}")
    from aiosmtpd.controller import Controller
    from redis import Redis

    folder = tmp_path_factory.mktemp("two-servers")
    photos = folder / "photos"
    with ExitStack() as cleanup:
        progress("eigene PostgreSQL-Datenbank anlegen, migrieren, Stammdaten laden")
        url = cleanup.enter_context(stack.fresh_database(os.environ["TEST_DATABASE_URL"]))
        redis_url = os.environ["TEST_REDIS_URL"]
        Redis.from_url(redis_url).flushdb()
        inbox = stack.Inbox()
        mail_port = stack.free_port()
        smtp = Controller(inbox, hostname="127.0.0.1", port=mail_port)
        smtp.start()
        cleanup.callback(smtp.stop)

        http_port, https_port = stack.free_port(), stack.free_port()
        base_url = f"https://127.0.0.1:{https_port}"
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        env.update(
            APP_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=url,
            RATELIMIT_STORAGE_URI=redis_url,
            TRUSTED_PROXY_COUNT="1",
            PHOTO_STORAGE="folder",
            PHOTO_FOLDER=str(photos),
            MAIL_URL=f"smtp://127.0.0.1:{mail_port}",
            MAIL_FROM="Zukunft ST <beteiligung@example.org>",
            SITE_URL=base_url,
        )
        stack.run_flask(env, "db", "upgrade")
        stack.run_flask(env, "seed")

        ports = [stack.free_port(), stack.free_port()]
        progress(f"gunicorn auf {ports[0]} und {ports[1]}, nginx auf {https_port} (https)")
        servers = []
        for number, port in enumerate(ports, 1):
            server = stack.gunicorn(f"gunicorn-{number}", port, env, folder)
            cleanup.callback(server.stop)
            servers.append(server)
        for server, port in zip(servers, ports, strict=True):
            stack.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server)

        certificate, key = stack.make_certificate(folder)
        upstreams = [f"127.0.0.1:{port}" for port in ports]
        site = folder / "zukunft-st.conf"
        site.write_text(
            stack.render_site(
                http_port=http_port,
                https_port=https_port,
                certificate=certificate,
                key=key,
                app_folder=BASE_DIR,
                upstreams=upstreams,
            )
        )
        config = folder / "nginx.conf"
        config.write_text(stack.main_config(folder, site))
        proxy = stack.nginx(config, folder)
        cleanup.callback(proxy.stop)
        stack.wait_until_answering(f"{base_url}/healthz", proxy, verify=str(certificate))

        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=database_url(url),
            PHOTO_FOLDER=str(photos),
            SECRET_KEY=env["SECRET_KEY"],  # sessions begun here hold on the servers
        )
        cleanup.callback(lambda: _dispose(app))
        result = Stack(
            base_url=base_url,
            http_url=f"http://127.0.0.1:{http_port}",
            certificate=certificate,
            upstreams=tuple(upstreams),
            app=app,
            env=env,
            inbox=inbox,
            folder=folder,
        )
        cleanup.callback(lambda: [visitor.close() for visitor in result.visitors])
        progress("bereit")
        yield result
        progress("Server beenden, Datenbank löschen")


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
