"""Operator commands: `flask --app participation <command>`."""

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from .backup.cli import backup_cli
from .extensions import db
from .jobs import deliver_mail, jobs_cli, run_retention, send_summaries
from .roles import Role
from .templating import load_district_data


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(recount_command)
    app.cli.add_command(export_command)
    app.cli.add_command(retention_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(jobs_cli)


@click.command("seed")
def seed_command() -> None:
    """Load the district's reference data (idempotent)."""
    from .moderation.services import seed_reason_templates
    from .strategy.services import seed_district

    path = current_app.config["DISTRICT_DATA"]
    data = load_district_data(path)
    if not data:
        raise click.ClickException(f"Keine Daten gefunden in {path}")
    report = seed_district(data)
    templates = seed_reason_templates(data)
    db.session.commit()
    if templates:
        click.echo(f"reason_templates: {templates} neu")
    for table, count in sorted(report.kept.items()):
        click.echo(f"{table}: {count} in der Verwaltung bearbeitet – nicht überschrieben")
    if not report.changed and not templates:
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
    from .accounts.password_strength import password_problem
    from .accounts.services import AccountError, create_staff_user

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"Keine gültige E-Mail-Adresse: {email}") from error
    password = _read_password()
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(
            f"Das Passwort muss mindestens {PASSWORD_MIN} Zeichen lang sein."
        )
    if problem := password_problem(password, email=email):
        raise click.ClickException(problem)  # staff accounts are the ones most worth guessing
    try:
        user = create_staff_user(email, password, Role(role), municipality_slug)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    scope = f" für {municipality_slug}" if municipality_slug else ""
    click.echo(f"Konto {user.email} hat jetzt die Rolle {role}{scope}.")
    if not user.has_second_factor:
        click.echo(
            "Die Rolle wirkt erst mit Zwei-Faktor-Anmeldung: Die erste Seite der Rolle führt "
            "nach dem Anmelden zur Einrichtung."
        )


outbox_cli = AppGroup("outbox", help="E-Mail-Ausgang.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Höchstens so viele Nachrichten")
def send_outbox_command(limit: int) -> None:
    """Deliver due messages; failures stay queued for the next run (`flask jobs mail`
    does the same under a lock, for timers)."""
    if not deliver_mail(limit):
        sys.exit(1)


notifications_cli = AppGroup("notifications", help="Benachrichtigungen.")


@notifications_cli.command("summaries")
def send_summaries_command() -> None:
    """Send the daily and weekly summaries that are due (cron, once a day; running it
    twice, or on two servers at once, sends nothing twice)."""
    if not send_summaries():
        sys.exit(1)


retention_cli = AppGroup("retention", help="Nicht mehr benötigte Daten entfernen.")


@retention_cli.command("run")
def retention_run_command() -> None:
    """Remove what the retention periods say is no longer needed (daily; idempotent)."""
    run_retention()


DEMO_ACCOUNTS = [
    ("bewohnerin@demo.example.org", None, None),
    ("moderation@demo.example.org", Role.MODERATOR, None),
    ("moderation-rheine@demo.example.org", Role.MODERATOR, "rheine"),
    ("projektteam@demo.example.org", Role.TEAM, None),
    ("lenkungsausschuss@demo.example.org", Role.COMMITTEE, None),
    ("admin@demo.example.org", Role.ADMIN, None),
]


@click.command("demo")
@click.option("--ideas", default=300, show_default=True, help="Wie viele Ideen")
@click.option("--users", type=int, help="Wie viele Personen  [Standard: Ideen ÷ 5, mindestens 150]")
@click.option("--seed", default=7, show_default=True, help="Startwert des Zufalls")
@click.option("--if-empty", is_flag=True, help="Nichts tun, wenn es schon Ideen gibt")
def demo_command(ideas: int, users: int | None, seed: int, if_empty: bool) -> None:
    """Fill the database with believable demo content (with a progress bar)."""
    from .demo.bulk import prepare_bulk_writes
    from .demo.generate import DEMO_PASSWORD, generate
    from .demo.inboxes import demo_week, write_inboxes
    from .demo.photos import ideas_with_photos, write_demo_photos
    from .demo.pipeline import projects_to_create, write_projects, write_ratings
    from .ideas.models import Idea

    if if_empty and db.session.scalar(db.select(Idea.id).limit(1)) is not None:
        click.echo("Es gibt schon Ideen – keine Demodaten erzeugt.")
        return
    prepare_bulk_writes()
    _create_demo_accounts(DEMO_PASSWORD)
    with click.progressbar(length=ideas, label="Ideen erzeugen", show_pos=True) as bar:
        people = users if users is not None else max(150, ideas // 5)
        report = generate(ideas, max(people, 1), seed=seed, progress=bar.update)
    ratings = write_ratings(seed)
    with click.progressbar(length=projects_to_create(), label="Projekte planen") as bar:
        planned = write_projects(seed, progress=bar.update)
    with click.progressbar(length=len(ideas_with_photos()), label="Fotos zeichnen") as bar:
        photos = write_demo_photos(seed, progress=bar.update)
    week = demo_week()
    with click.progressbar(length=len(week.events), label="Benachrichtigungen verteilen") as bar:
        inboxes = write_inboxes(week, progress=bar.update)
    db.session.commit()
    click.echo(
        f"{report.users} Personen, {report.ideas} Ideen, {report.supports} Unterstützungen, "
        f"{report.comments} Kommentare, {ratings} Bewertungen erzeugt."
    )
    click.echo(
        f"{planned.projects} Projekte ({planned.leads} Leitprojekte), {planned.adopted} Ideen "
        f"in Projekte übernommen, {planned.declined} nicht weiterverfolgt."
    )
    click.echo(f"{photos} Fotos zu Ideen gezeichnet.")
    click.echo(
        f"{inboxes.notifications} Benachrichtigungen zu {inboxes.events} Ereignissen der "
        f"letzten 7 Tage, {inboxes.unread} davon ungelesen (ohne E-Mails)."
    )
    click.echo(
        f"Demo-Konten (Passwort „{DEMO_PASSWORD}“): " + ", ".join(a[0] for a in DEMO_ACCOUNTS)
    )


def _create_demo_accounts(password: str) -> None:
    from .accounts.models import User
    from .accounts.passwords import hash_password
    from .accounts.services import create_staff_user, find_user_by_email
    from .timeutil import utcnow

    for email, role, scope in DEMO_ACCOUNTS:
        if role is not None:
            create_staff_user(email, password, role, scope)
        elif find_user_by_email(email) is None:
            name = email.split("@")[0].capitalize()
            db.session.add(
                User(
                    email=email,
                    display_name=name,
                    password_hash=hash_password(password),
                    confirmed_at=utcnow(),
                )
            )
    db.session.flush()


@click.command("recount")
@click.option("--check", is_flag=True, help="Nur prüfen, nichts reparieren")
def recount_command(check: bool) -> None:
    """Verify the kept counts (supports and comments per idea, the tallies of ideas, the
    rating summaries) against the rows and repair any drift."""
    from .ideas.services import recount, refresh_trending
    from .ideas.tallies import check_tallies
    from .rating.summaries import check_summaries

    repair = not check
    drifts = recount(repair=repair)
    lines = [
        f"Idee {drift.idea_id}: {drift.column} gespeichert {drift.cached}, "
        f"tatsächlich {drift.actual}"
        for drift in drifts
    ]
    for kept in (check_tallies(repair=repair), check_summaries(repair=repair)):
        drifts += kept
        lines += [str(drift) for drift in kept]
    if not check:
        click.echo(f"{refresh_trending()} Trend-Zähler (letzte 14 Tage) aktualisiert.")
    db.session.commit()
    for line in lines[:50]:
        click.echo(line)
    verb = "gefunden" if check else "repariert"
    click.echo(f"{len(drifts)} Abweichungen {verb}.")
    if check and drifts:
        sys.exit(1)


EXPORT_LABELS = {"ideas": ("Idee", "Ideen"), "projects": ("Projekt", "Projekte")}


@click.command("export")
@click.argument("kind", type=click.Choice(list(EXPORT_LABELS)))
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv", "json"]), default="xlsx", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Zieldatei (sonst z. B. ideen-2026-11-26.xlsx im aktuellen Ordner)",
)
def export_command(kind: str, fmt: str, output: str | None) -> None:
    """Export ideas (with ratings) or projects (with their whole plan); internal data."""
    import os

    from .reports import exports

    export = exports.load(kind)
    path = output or exports.filename(kind, fmt)
    one, many = EXPORT_LABELS[kind]
    partial = f"{path}.part"  # a failed run leaves no half-written file under the real name
    try:
        with (
            open(partial, "wb") as stream,
            click.progressbar(length=export.count, label=f"{many} schreiben", show_pos=True) as bar,
        ):
            exports.write(export, fmt, stream, progress=bar.update)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    os.replace(partial, path)
    size = os.path.getsize(path) / 1024
    label = one if export.count == 1 else many
    click.echo(f"{export.count} {label} nach {path} geschrieben ({size:.0f} KB).")
