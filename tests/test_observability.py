"""What an operator watches: request ids in headers and log lines, /metrics, /healthz."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from flask_limiter import ApplicationLimit
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from participation.extensions import db, limiter
from participation.health import migration_scripts
from participation.observability.logs import log_handler
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.factories import create_comment, create_idea
from tests.moderation.helpers import create_report

GIVEN_ID = "nginx-4f1c2a9e-0001"
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.7"}


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def log_output(app, monkeypatch):
    """The JSON lines the app writes during the test, access lines switched on."""
    monkeypatch.setitem(app.config, "ACCESS_LOG", True)
    stream = io.StringIO()
    handler = log_handler("json", stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def scraped(client, **kwargs) -> dict[tuple, float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- Request id -----------------------------------------------------------------------


def test_a_sane_request_id_from_the_proxy_is_kept(client):
    response = client.get("/vision", headers={"X-Request-ID": GIVEN_ID})
    assert response.headers["X-Request-ID"] == GIVEN_ID


def test_without_a_request_id_each_request_gets_its_own(client):
    first, second = client.get("/vision"), client.get("/vision")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize(
    "hostile",
    [
        "abc12345\nINFO participation: gefälschte Zeile",
        'abc12345" "admin',
        "x" * 129,
        "kurz",
        "abc 12345",
        "äöüäöüäöü",
    ],
)
def test_a_request_id_that_is_no_plain_token_is_replaced(client, hostile):
    response = client.get("/vision", environ_base={"HTTP_X_REQUEST_ID": hostile})
    given = response.headers["X-Request-ID"]
    assert given != hostile
    assert len(given) == 32 and given.isalnum()


def test_error_pages_and_refusals_carry_the_request_id(client, browser, app, monkeypatch):
    not_found = client.get("/gibt-es-nicht", headers={"X-Request-ID": GIVEN_ID})
    assert not_found.status_code == 404
    assert not_found.headers["X-Request-ID"] == GIVEN_ID

    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    browser.submit("/login", {"email": "anna@example.org", "password": ""})
    refused = browser.submit(
        "/login", {"email": "anna@example.org", "password": ""}, headers={"X-Request-ID": GIVEN_ID}
    )
    assert refused.status_code == 429
    assert refused.headers["X-Request-ID"] == GIVEN_ID


# --- Log lines ------------------------------------------------------------------------


def test_the_access_line_is_json_with_request_id_and_without_the_query(client, log_output):
    client.get("/ideas?q=Frau+Müller+Krankheit&page=2", headers={"X-Request-ID": GIVEN_ID})

    [line] = [
        entry for entry in json_lines(log_output) if entry["logger"] == "participation.access"
    ]
    assert line["request_id"] == GIVEN_ID
    assert (line["method"], line["path"], line["status"]) == ("GET", "/ideas", 200)
    assert line["endpoint"] == "ideas.index"
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO"
    assert line["time"][10] == "T" and line["time"][-6] in "+-"  # ISO 8601 with offset
    assert "Müller" not in log_output.getvalue() and "q=" not in log_output.getvalue()


def test_the_token_of_a_mailed_link_is_not_logged(client, log_output):
    client.get("/password/reset/geheimes-token-123")

    [line] = [
        entry for entry in json_lines(log_output) if entry["logger"] == "participation.access"
    ]
    assert line["path"] == "/password/reset/[token]"
    assert "geheimes-token-123" not in log_output.getvalue()


def test_an_unexpected_error_is_logged_with_the_request_id_and_answered_kindly(
    client, app, log_output, monkeypatch
):
    def broken():
        raise RuntimeError("Vorlage kaputt")

    monkeypatch.setitem(app.view_functions, "strategy.vision", broken)
    errors_before = value(
        scraped(client), "http_request_errors_total", endpoint="strategy.vision", method="GET"
    )

    response = client.get("/vision", headers={"X-Request-ID": GIVEN_ID})

    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.get_data(as_text=True)
    assert "Vorlage kaputt" not in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == GIVEN_ID
    [error] = [entry for entry in json_lines(log_output) if entry["level"] == "ERROR"]
    assert error["request_id"] == GIVEN_ID
    assert "RuntimeError: Vorlage kaputt" in error["exception"]
    [access] = [entry for entry in json_lines(log_output) if entry.get("path") == "/vision"]
    assert (access["status"], access["request_id"]) == (500, GIVEN_ID)
    errors = value(
        scraped(client), "http_request_errors_total", endpoint="strategy.vision", method="GET"
    )
    assert errors == errors_before + 1


def test_production_writes_json_lines_to_stderr(app):
    """The real configuration: a separate process, as gunicorn would start it."""
    script = (
        "from participation import create_app\n"
        f"app = create_app('production', SECRET_KEY='x' * 32, "
        f"SQLALCHEMY_DATABASE_URI={app.config['SQLALCHEMY_DATABASE_URI']!r})\n"
        "app.test_client().get('/healthz?token=geheim', headers={'X-Request-ID': 'lb-00001'})\n"
    )
    # The production defaults, whatever this shell sets.
    environment = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "ACCESS_LOG")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment
    )

    lines = [json.loads(line) for line in result.stderr.splitlines()]
    warning = next(line for line in lines if line["level"] == "WARNING")
    assert "RATELIMIT_STORAGE_URI" in warning["message"] and "request_id" not in warning
    [access] = [line for line in lines if line["logger"] == "participation.access"]
    assert access["path"] == "/healthz" and access["request_id"] == "lb-00001"
    assert "geheim" not in result.stderr


# --- /metrics -------------------------------------------------------------------------


def test_metrics_show_the_latency_of_a_requested_endpoint(client):
    before = scraped(client)
    client.get("/vision")
    client.get("/vision")
    client.get("/gibt-es-nicht")

    after = scraped(client)
    count = ("http_request_duration_seconds_count", "strategy.vision")
    assert value(after, count[0], endpoint=count[1], method="GET") == (
        value(before, count[0], endpoint=count[1], method="GET") + 2
    )
    assert (
        value(
            after,
            "http_request_duration_seconds_bucket",
            endpoint="strategy.vision",
            method="GET",
            le="+Inf",
        )
        >= 2
    )
    assert value(after, "http_requests_total", endpoint="unknown", method="GET", status="404") == (
        value(before, "http_requests_total", endpoint="unknown", method="GET", status="404") + 1
    )
    assert not any("gibt-es-nicht" in str(key) for key in after)


def test_metrics_count_the_outbox_backlog(client):
    now = utcnow()
    for index in range(3):
        db.session.add(
            OutboxMessage(
                recipient=f"p{index}@example.org",
                subject="S",
                body="T",
                created_at=now - timedelta(minutes=10),
            )
        )
    db.session.add(OutboxMessage(recipient="sent@example.org", subject="S", body="T", sent_at=now))
    db.session.add(
        OutboxMessage(recipient="gone@example.org", subject="S", body="T", failed_at=now)
    )
    db.session.commit()

    samples = scraped(client)
    assert value(samples, "participation_outbox_pending") == 3
    assert value(samples, "participation_outbox_failed") == 1
    assert 590 < value(samples, "participation_outbox_oldest_pending_seconds") < 3600


def test_metrics_count_the_moderation_queue(client):
    create_idea(state="pending")
    create_idea(state="pending")
    idea = create_idea()
    create_comment(idea, state="pending")
    create_comment(idea)
    create_report(idea=idea)
    resolved = create_report(idea=create_idea())
    resolved.resolved_at = utcnow()
    db.session.commit()

    samples = scraped(client)
    assert value(samples, "participation_moderation_queue", kind="idea") == 2
    assert value(samples, "participation_moderation_queue", kind="comment") == 1
    assert value(samples, "participation_moderation_queue", kind="report") == 1


@pytest.mark.parametrize(
    "environ",
    [
        ELSEWHERE,
        # Through a proxy the app does not trust: only the proxy's address is known.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
    ],
)
def test_metrics_are_not_found_from_other_addresses(client, environ):
    response = client.get("/metrics", environ_base=environ)
    assert response.status_code == 404
    assert "participation_" not in response.get_data(as_text=True)


def test_metrics_from_a_configured_network_behind_a_trusted_proxy(make_app):
    app = make_app(TRUSTED_PROXY_COUNT=1, METRICS_ALLOWED_ADDRESSES="10.0.0.0/8, 2001:db8::1")
    client = app.test_client()
    through_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    allowed = client.get(
        "/metrics", environ_base=through_proxy, headers={"X-Forwarded-For": "10.1.2.3"}
    )
    refused = client.get(
        "/metrics",
        environ_base=through_proxy,
        headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.7"},
    )
    assert (allowed.status_code, refused.status_code) == (200, 404)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "2001:db8::1"}).status_code == 200


def test_a_mistyped_allowed_address_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="METRICS_ALLOWED_ADDRESSES"):
        make_app(METRICS_ALLOWED_ADDRESSES="127.0.0.1, localhost")


def test_metrics_and_healthz_escape_rate_limits_and_set_no_cookie(client, monkeypatch):
    """Should a limit for every page ever be set (RATELIMIT_APPLICATION), monitoring
    still gets through."""
    every_page = ApplicationLimit(limit_provider="1 per minute").bind(limiter)
    monkeypatch.setattr(limiter.limit_manager, "_application_limits", [every_page])
    assert [client.get("/vision").status_code for _ in range(2)] == [200, 429]
    for path in ("/metrics", "/healthz"):
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, path
            assert not response.headers.getlist("Set-Cookie"), path
    assert client.get("/metrics").headers["Cache-Control"] == "no-store"


WORKER = """
import sys
from participation import create_app
app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1])
client = app.test_client()
assert client.get("/healthz").status_code == 200
assert client.get("/metrics").status_code == 200
"""


def test_several_workers_are_added_up(app, client, tmp_path, monkeypatch):
    """Two processes count into PROMETHEUS_MULTIPROC_DIR; a scrape in a third shows both."""
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, database], env=environment)
        for _ in range(2)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    samples = scraped(client)

    ok = {"endpoint": "health.healthz", "method": "GET", "status": "200"}
    assert value(samples, "http_requests_total", **ok) == 2
    assert (
        value(
            samples, "http_request_duration_seconds_count", endpoint="health.healthz", method="GET"
        )
        == 2
    )
    assert value(samples, "participation_database_up") == 1
    # The queue lengths were counted at each scrape, never written into the shared files.
    assert sorted({path.name.split("_")[0] for path in tmp_path.iterdir()}) == [
        "counter",
        "histogram",
    ]


# --- /healthz -------------------------------------------------------------------------


def test_healthz_says_the_migrations_are_current(client):
    [head], _ = migration_scripts(client.application.extensions["migrate"].directory)
    answer = client.get("/healthz").get_json()
    assert answer["migrations"] == "current" and answer["status"] == "ok"
    assert answer["database_revision"] == answer["code_revision"] == head


@pytest.fixture
def database_revision(app):
    """Set alembic_version to another revision for one test, then back."""
    [head] = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()

    def move_to(revision: str) -> None:
        db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        db.session.commit()

    yield move_to
    db.session.rollback()
    move_to(head)


def test_healthz_says_the_migrations_are_behind_but_stays_in_the_pool(client, database_revision):
    directory = client.application.extensions["migrate"].directory
    [head], _ = migration_scripts(directory)
    older = ScriptDirectory(directory).get_revision(head).down_revision
    database_revision(older)

    response = client.get("/healthz")
    assert response.status_code == 200  # pages that work keep being served
    assert response.get_json() == {
        "status": "degraded",
        "database": "ok",
        "migrations": "behind",
        "database_revision": older,
        "code_revision": head,
    }


def test_healthz_says_when_newer_code_migrated_the_database(client, database_revision):
    database_revision("0123456789ab")
    answer = client.get("/healthz").get_json()
    assert (answer["status"], answer["migrations"]) == ("degraded", "ahead")
