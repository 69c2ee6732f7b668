"""What operators rely on: the commands, /healthz, and reading the configuration."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from config import INSTANCE_DIR, database_url
from participation.accounts.models import User
from participation.extensions import db
from participation.roles import RoleAssignment
from participation.strategy.models import (
    FieldOfAction,
    GoverningBody,
    Municipality,
    Page,
    ProcessStep,
    Value,
)
from participation.strategy.services import seed_district
from participation.templating import load_district_data
from tests.factories import count_rows, create_user, find_user, get_municipality

STAFF_PASSWORD = "ein Passwort für die Mitarbeitenden"  # without "team", an e-mail local part
FLASK_COMMAND = (sys.executable, "-m", "flask", "--app", "participation")
REFERENCE_MODELS = (Municipality, FieldOfAction, Value, ProcessStep, GoverningBody, Page)


def reference_counts() -> dict[str, int]:
    return {model.__tablename__: count_rows(model) for model in REFERENCE_MODELS}


# --- seed -----------------------------------------------------------------------------


@pytest.fixture
def restore_reference_data(app):
    yield
    db.session.rollback()
    seed_district(load_district_data(app.config["DISTRICT_DATA"]))
    db.session.commit()


@pytest.mark.usefixtures("restore_reference_data")
def test_seed_repairs_reference_data_and_a_second_run_changes_nothing(runner, client):
    field = db.session.scalar(select(FieldOfAction).where(FieldOfAction.slug == "verwaltung"))
    field.name = "Veraltet"
    db.session.delete(db.session.scalar(select(Value).where(Value.name == "Mut")))
    db.session.commit()

    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "fields_of_action: 1 aktualisiert" in first.output
    assert "vision_values: 1 neu" in first.output
    counts = reference_counts()
    assert counts["municipalities"] == 25
    assert counts["vision_values"] == 7

    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Stammdaten sind aktuell – nichts geändert."
    assert reference_counts() == counts
    html = client.get("/vision").get_data(as_text=True)
    assert "<h3>Mut</h3>" in html
    assert "Veraltet" not in client.get("/fields").get_data(as_text=True)


def test_seed_without_data_file_fails_clearly(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "DISTRICT_DATA", "/nirgendwo/kreis.toml")
    before = reference_counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 1
    assert "Keine Daten gefunden in /nirgendwo/kreis.toml" in result.output
    assert reference_counts() == before


# --- users create ---------------------------------------------------------------------


def create_staff(runner, *args: str, password: str = STAFF_PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\n")


def test_users_create_makes_a_confirmed_moderator_for_one_town(runner, browser):
    result = create_staff(
        runner, "Mod@Example.org", "--role", "moderator", "--municipality", "rheine"
    )
    assert result.exit_code == 0, result.output
    assert "Konto Mod@Example.org hat jetzt die Rolle moderator für rheine." in result.output
    assert STAFF_PASSWORD not in result.output

    user = find_user("mod@example.org")
    assert user.email == "Mod@Example.org"
    assert user.confirmed_at is not None
    assert [(r.role, r.municipality_id) for r in user.roles] == [
        ("moderator", get_municipality("rheine").id)
    ]
    response = browser.login("mod@example.org", STAFF_PASSWORD)
    assert response.status_code == 302
    assert "<h1>Mein Konto</h1>" in browser.get("/account").get_data(as_text=True)


def test_users_create_adds_a_role_to_an_existing_account_once(runner):
    create_user("team@example.org", confirmed=False)
    assert create_staff(runner, "team@example.org", "--role", "team").exit_code == 0
    assert create_staff(runner, "TEAM@example.org", "--role", "team").exit_code == 0
    assert create_staff(runner, "team@example.org", "--role", "admin").exit_code == 0
    user = find_user("team@example.org")
    assert sorted((r.role, r.municipality_id) for r in user.roles) == [
        ("admin", None),
        ("team", None),
    ]
    assert user.confirmed_at is not None
    assert count_rows(User) == 1


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ("mod@example.org", "--role", "moderator", "--municipality", "atlantis"),
            STAFF_PASSWORD,
            "Unbekannte Kommune: atlantis",
        ),
        (
            ("mod@example.org", "--role", "moderator"),
            "kurz",
            "Das Passwort muss mindestens 10 Zeichen lang sein.",
        ),
        (
            ("kein-at-zeichen", "--role", "admin"),
            STAFF_PASSWORD,
            "Keine gültige E-Mail-Adresse: kein-at-zeichen",
        ),
    ],
)
def test_users_create_refuses_and_creates_nothing(runner, args, password, message):
    result = create_staff(runner, *args, password=password)
    assert result.exit_code == 1
    assert message in result.output
    assert count_rows(User) == 0
    assert count_rows(RoleAssignment) == 0


def test_users_create_knows_only_the_defined_roles(runner):
    result = create_staff(runner, "boss@example.org", "--role", "kaiser")
    assert result.exit_code == 2
    assert "kaiser" in result.output
    assert count_rows(User) == 0


def test_real_command_line_reads_the_password_from_standard_input(app):
    """`flask --app participation users create` as an operator types it, in its own process."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APP_ENV": "development",
    }
    db.session.commit()  # SQLite: nothing of ours may hold a lock
    result = subprocess.run(
        [*FLASK_COMMAND, "users", "create", "admin@example.org", "--role", "admin"],
        input=f"{STAFF_PASSWORD}\n",
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Konto admin@example.org hat jetzt die Rolle admin." in result.stdout
    assert find_user("admin@example.org").has_role("admin")


# --- /healthz -------------------------------------------------------------------------


def test_healthz_answers_ok_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["status"] == "ok"


def test_healthz_reports_a_failing_database_with_503(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("Datenbank weg"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"
    assert "Datenbank weg" not in response.get_data(as_text=True)


# --- DATABASE_URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgres://u:geheim@h/db", "postgresql+psycopg://u:geheim@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////var/lib/beteiligung.sqlite", "sqlite:////var/lib/beteiligung.sqlite"),
        ("sqlite:///relativ.sqlite", "sqlite:///relativ.sqlite"),
    ],
)
def test_database_url_picks_the_shipped_driver(given, expected):
    assert database_url(given) == expected


@pytest.mark.parametrize("given", [None, ""])
def test_database_url_defaults_to_a_file_in_instance(given):
    assert database_url(given) == f"sqlite:///{INSTANCE_DIR / 'participation.sqlite'}"
    assert INSTANCE_DIR.name == "instance"
