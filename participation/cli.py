"""Operator commands: `flask --app participation <command>`."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .accounts.models import Role
from .extensions import db
from .templating import load_district_data


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)


@click.command("seed")
def seed_command() -> None:
    """Load the district's reference data (idempotent)."""
    from .strategy.services import seed_district

    path = current_app.config["DISTRICT_DATA"]
    data = load_district_data(path)
    if not data:
        raise click.ClickException(f"Keine Daten gefunden in {path}")
    report = seed_district(data)
    db.session.commit()
    if not report.changed:
        click.echo("Stammdaten sind aktuell – nichts geändert.")
        return
    for label, bucket in (("neu", report.created), ("aktualisiert", report.updated)):
        for table, count in sorted(bucket.items()):
            click.echo(f"{table}: {count} {label}")


users_cli = AppGroup("users", help="Konten verwalten.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Passwort", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--municipality", "municipality_slug", help="Slug der Kommune (z. B. rheine)")
def create_user_command(email: str, role: str, municipality_slug: str | None) -> None:
    """Create a confirmed staff account (password prompted or read from stdin)."""
    from .accounts.forms import PASSWORD_MIN
    from .accounts.services import AccountError, create_staff_user

    password = _read_password()
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(
            f"Das Passwort muss mindestens {PASSWORD_MIN} Zeichen lang sein."
        )
    try:
        user = create_staff_user(email, password, Role(role), municipality_slug)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    scope = f" für {municipality_slug}" if municipality_slug else ""
    click.echo(f"Konto {user.email} hat jetzt die Rolle {role}{scope}.")


outbox_cli = AppGroup("outbox", help="E-Mail-Ausgang.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Höchstens so viele Nachrichten")
def send_outbox_command(limit: int) -> None:
    """Deliver due messages; failures stay queued for the next run."""
    from .notifications.services import deliver_pending

    report = deliver_pending(limit=limit)
    click.echo(
        f"{report.sent} gesendet, {report.failed} fehlgeschlagen (später erneut), "
        f"{report.given_up} aufgegeben."
    )
    if report.failed or report.given_up:
        sys.exit(1)
