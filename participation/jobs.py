"""Background work in one place: `flask jobs <name>`, as the systemd timers (deploy/systemd/)
or cron run it.

Every run holds a lock named after its job, so the same job started on two servers at
the same moment works once: on PostgreSQL a session advisory lock on a connection of its
own (released by the database when the process dies, so nothing stays locked after a
crash); on SQLite, which serves one machine, an fcntl lock on a file beside the database.
The work itself is safe to repeat (the outbox claims each mail, summaries claim each
person's period, retention and trending re-check their rule in every statement), so the
lock keeps servers from doing the same work twice, not from doing it wrong.
"""

import fcntl
import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

MAIL_BATCH = 100  # mails per progress line


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    schedule: str  # OnCalendar= of its timer in deploy/systemd/


JOBS = {
    job.name: job
    for job in (
        Job("mail", "E-Mails aus dem Ausgang zustellen", "minutely"),
        Job(
            "summaries",
            "tägliche und wöchentliche Zusammenfassungen",
            "*-*-* 07:00:00 Europe/Berlin",
        ),
        Job("trending", "Trend-Zähler der letzten 14 Tage auffrischen", "*-*-* *:05:00"),
        Job(
            "retention",
            "nicht mehr Benötigtes löschen (RETENTION_*)",
            "*-*-* 03:30:00 Europe/Berlin",
        ),
    )
}


# --- the work, shared with the older commands (`outbox send`, `retention run`, ...) ------


def deliver_mail(limit: int) -> bool:
    """Deliver due mail in batches, with a progress line per batch; False if any failed."""
    from .outbox.services import DeliveryReport, deliver_pending

    total = DeliveryReport()
    while (size := min(MAIL_BATCH, limit - _handled(total))) > 0:
        batch = deliver_pending(limit=size)
        for field in ("sent", "failed", "given_up"):
            setattr(total, field, getattr(total, field) + getattr(batch, field))
        if _handled(batch) < size:
            break  # nothing more is due (failures wait for their next attempt)
        click.echo(f"  {_handled(total)} E-Mails bearbeitet …", err=True)
    click.echo(
        f"{total.sent} gesendet, {total.failed} fehlgeschlagen (später erneut), "
        f"{total.given_up} aufgegeben."
    )
    return not (total.failed or total.given_up)


def _handled(report) -> int:
    return report.sent + report.failed + report.given_up


def send_summaries() -> bool:
    """The summaries that are due; False if one person's failed (the next run retries)."""
    from .notifications.summaries import send_summaries as send_due_summaries

    def progress(done: int, total: int) -> None:
        if done % 200 == 0 or done == total:
            click.echo(f"  {done}/{total} Personen geprüft", err=True)

    report = send_due_summaries(progress=progress)
    click.echo(
        f"{report.mails} Zusammenfassungen in den Ausgang gelegt, "
        f"mit {report.notifications} Benachrichtigungen."
    )
    if report.failed:
        click.echo(
            f"{report.failed} fehlgeschlagen (siehe Log; der nächste Lauf versucht es erneut)."
        )
    return not report.failed


def refresh_trending() -> bool:
    from .ideas.services import refresh_trending as refresh

    changed = refresh()
    db.session.commit()
    click.echo(f"{changed} Trend-Zähler (letzte 14 Tage) aktualisiert.")
    return True


def run_retention() -> bool:
    from .retention.services import run_retention as run

    report = run()
    db.session.commit()
    config = current_app.config
    click.echo(
        f"{report.unconfirmed_deleted} unbestätigte Konten gelöscht "
        f"(älter als {config['RETENTION_UNCONFIRMED_DAYS']} Tage)."
    )
    if report.unconfirmed_kept:
        click.echo(
            f"{report.unconfirmed_kept} unbestätigte Konten mit Beiträgen oder Rollen "
            "bleiben erhalten."
        )
    click.echo(
        f"{report.mails_deleted} E-Mails aus dem Ausgang gelöscht "
        f"(zugestellt oder aufgegeben vor mehr als {config['RETENTION_SENT_MAIL_DAYS']} Tagen)."
    )
    click.echo(f"{report.comments_cleared} gelöschte Kommentare geleert.")
    click.echo(
        f"{report.sign_ins_deleted} Anmeldungen gelöscht "
        f"(beendet oder abgelaufen vor mehr als {config['RETENTION_SIGN_IN_DAYS']} Tagen)."
    )
    click.echo(
        f"{report.log_texts_redacted} frühere Texte im Moderationsprotokoll entfernt "
        f"(älter als {config['RETENTION_MODERATION_TEXT_DAYS']} Tage)."
    )
    click.echo(
        f"{report.photo_drafts_deleted} nie eingereichte Fotos gelöscht "
        f"(älter als {config['RETENTION_PHOTO_DRAFT_HOURS']} Stunden)."
    )
    click.echo(
        f"{report.notifications_deleted} Benachrichtigungen gelöscht "
        f"(älter als {config['RETENTION_NOTIFICATION_DAYS']} Tage)."
    )
    return True


# --- the lock -------------------------------------------------------------------------


def lock_key(name: str) -> int:
    """A stable signed 64-bit key per job for pg_try_advisory_lock (the same on every server)."""
    digest = hashlib.sha256(f"zukunft-st.jobs.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yields whether this process got the job's lock; held until the block ends."""
    if db.engine.dialect.name == "postgresql":
        with _advisory_lock(lock_key(name)) as held:
            yield held
    else:
        with _file_lock(_lock_path(name)) as held:
            yield held


@contextmanager
def _advisory_lock(key: int) -> Iterator[bool]:
    # A connection of its own, outside any transaction: the session's commits during
    # the run must not end the lock, and no transaction stays open for the run's length.
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        try:
            yield bool(held)
        finally:
            if held:
                try:
                    connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                except SQLAlchemyError:
                    connection.invalidate()  # never back to the pool still holding it


def _lock_path(name: str) -> Path:
    """Beside the SQLite file: the lock guards that database, wherever it lies."""
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if database and database != ":memory:":
        path = Path(database)
        return path.with_name(f"{path.name}.job-{name}.lock")
    return Path(current_app.instance_path) / f"job-{name}.lock"


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_job(name: str, work: Callable[[], bool]) -> None:
    """Run one job under its lock; exit code 1 when the run failed, 0 when another has it."""
    with job_lock(name) as held:
        if not held:
            click.echo(
                f"Job {name} läuft bereits auf einem anderen Server (oder in einem anderen "
                "Prozess) – dieser Lauf tut nichts."
            )
            return
        click.echo(f"Job {name}: {JOBS[name].description} …", err=True)
        started = time.monotonic()
        try:
            ok = work()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Job %s fehlgeschlagen", name)
            click.echo(f"Job {name} fehlgeschlagen (siehe Log).")
            sys.exit(1)
        status = "fertig" if ok else "mit Fehlern beendet"
        click.echo(f"Job {name} {status} nach {time.monotonic() - started:.1f} s.", err=True)
    if not ok:
        sys.exit(1)


# --- the commands ---------------------------------------------------------------------

jobs_cli = AppGroup(
    "jobs",
    help="Hintergrundarbeit für systemd-Timer oder Cron; auf mehreren Servern zugleich "
    "gefahrlos (jeder Job läuft zu einer Zeit nur einmal).",
)


@jobs_cli.command("mail")
@click.option("--limit", default=5000, show_default=True, help="Höchstens so viele E-Mails")
def mail_job(limit: int) -> None:
    """Deliver due mail (every minute)."""
    run_job("mail", lambda: deliver_mail(limit))


@jobs_cli.command("summaries")
def summaries_job() -> None:
    """Send the daily and weekly summaries that are due (daily, early morning)."""
    run_job("summaries", send_summaries)


@jobs_cli.command("trending")
def trending_job() -> None:
    """Let supports older than 14 days age out of the trending counts (hourly)."""
    run_job("trending", refresh_trending)


@jobs_cli.command("retention")
def retention_job() -> None:
    """Remove what the retention periods say is no longer needed (daily, at night)."""
    run_job("retention", run_retention)


@jobs_cli.command("list")
def list_jobs() -> None:
    """Name, schedule (as systemd's OnCalendar) and task of every job."""
    for job in JOBS.values():
        click.echo(f"{job.name:<10} {job.schedule:<30} {job.description}")
