"""`flask --app participation backup create FILE` and `backup restore FILE [--force]`."""

import sys
import time
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .services import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Datenbank und Fotos sichern und wiederherstellen.")
FILE = click.Path(dir_okay=False, path_type=Path)


def _progress(what: str, count: int) -> None:
    unit = "Dateien" if what == "Fotos" else "Zeilen"
    click.echo(f"  {what}: {count} {unit}")


def _fail(error: Exception) -> NoReturn:
    reason = getattr(error, "orig", None) or error  # a database error: the driver's words
    click.echo(f"Fehler: {reason}", err=True)
    sys.exit(1)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@backup_cli.command("create")
@click.argument("file", type=FILE)
def create_command(file: Path) -> None:
    """Write the database and every photo file to FILE (a tar archive; .gz or .tgz:
    compressed). It holds personal data: keep it encrypted."""
    started = time.monotonic()
    click.echo(f"Sicherung nach {file}:")
    try:
        report = create_backup(file, progress=_progress)
    except (BackupError, SQLAlchemyError) as error:
        _fail(error)
    click.echo(
        f"{report.tables} Tabellen, {report.rows} Zeilen, {report.photos} Fotodateien, "
        f"{_megabytes(report.size)} in {time.monotonic() - started:.1f} s nach {file} geschrieben "
        f"(Datenbankstand {report.manifest['alembic_revision']})."
    )
    if report.missing_photos:
        click.echo(
            f"Hinweis: {len(report.missing_photos)} Fotodateien fehlten im Speicher "
            f"(z. B. {report.missing_photos[0]}); ihre Zeilen sind gesichert."
        )
    click.echo("Die Datei enthält personenbezogene Daten: nur verschlüsselt aufbewahren.")


@backup_cli.command("restore")
@click.argument("file", type=FILE)
@click.option("--force", is_flag=True, help="Vorhandene Inhalte und Fotos ersetzen")
def restore_command(file: Path, force: bool) -> None:
    """Replace the database's rows and the photo files with those of the backup FILE, in
    one transaction. Refuses a database with content (unless --force) and one at another
    Alembic revision."""
    started = time.monotonic()
    click.echo(f"Wiederherstellen aus {file}:")
    try:
        report = restore_backup(file, force=force, progress=_progress)
        db.session.commit()
    except (BackupError, SQLAlchemyError) as error:
        db.session.rollback()
        _fail(error)
    manifest = report.manifest
    click.echo(
        f"{report.tables} Tabellen, {report.rows} Zeilen, {report.photos} Fotodateien in "
        f"{time.monotonic() - started:.1f} s wiederhergestellt (Sicherung vom "
        f"{manifest.get('created_at')}, {manifest.get('dialect')}, Datenbankstand "
        f"{manifest['alembic_revision']})."
    )
    if report.missing_photos:
        click.echo(
            f"Hinweis: {len(report.missing_photos)} Fotodateien fehlten schon beim Sichern "
            f"(z. B. {report.missing_photos[0]})."
        )
