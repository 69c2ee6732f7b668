"""Backing up and restoring the database and the photo files; callable without a request.

A backup holds every table of the models (`db.metadata.sorted_tables`, so a new model is
in it without a change here), read from one consistent snapshot, and every file of the
photos' rows, through the photo storage (folder or bucket). What the migrations create
by hand for the search (SQLite's FTS table and triggers, PostgreSQL's index) is not in
it: the database fills it again as the rows arrive.

A restore replaces all rows, the district's reference data included (the content points
at their ids), in one transaction the caller commits: it refuses a database holding more
than what `flask seed` writes unless `force`, and one at another Alembic revision. Photo
files follow that transaction (`photos.files`): new ones go again when it does not
commit, those of the replaced rows only once it has.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Table, false, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, migrate
from ..ideas import search
from ..photos.files import delete_files_after_commit, write_files
from ..photos.models import IdeaPhoto
from ..photos.storage import file_name, photo_storage
from .archive import (
    END,
    FORMAT,
    MANIFEST,
    PHOTOS,
    VERSION,
    ArchiveReader,
    ArchiveWriter,
    BackupError,
    Entry,
    table_member,
)
from .codec import RowError, TableCodec

__all__ = ["BackupError", "BackupReport", "create_backup", "restore_backup"]

BATCH = 1000  # rows read or inserted at a time
PHOTO_PROGRESS = 500  # photo files between two progress reports
# What `flask seed` writes: a database holding only these counts as empty.
SEEDED_TABLES = frozenset(
    {
        "municipalities",
        "fields_of_action",
        "vision_values",
        "process_steps",
        "governing_bodies",
        "pages",
        "page_versions",
        "reason_templates",
    }
)
COMMAND = "flask --app participation"

# Called with what was done ("users", "Fotos") and how many rows or files so far.
Progress = Callable[[str, int], None]


def _quiet(_what: str, _count: int) -> None:
    pass


@dataclass
class BackupReport:
    tables: int = 0
    rows: int = 0
    photos: int = 0
    missing_photos: list[str] = field(default_factory=list)  # rows whose file was gone
    size: int = 0  # of the archive, in bytes
    manifest: dict[str, Any] = field(default_factory=dict)


# --- create ---------------------------------------------------------------------------


@dataclass
class _Dump:
    table: Table
    path: Path
    rows: int
    sha256: str


def create_backup(path: Path, progress: Progress = _quiet) -> BackupReport:
    """Write the database and every photo file to the archive `path` (gzip-compressed
    when it ends in .gz or .tgz). Nothing appears under `path` unless it is complete."""
    if not path.parent.is_dir():
        raise BackupError(f"Den Ordner {path.parent} gibt es nicht.")
    report = BackupReport()
    try:
        with (
            _snapshot() as connection,
            TemporaryDirectory(dir=path.parent, prefix=".backup-") as scratch,
        ):
            dumps = [_dump(connection, table, Path(scratch), progress) for table in _tables()]
            names = _photo_names(connection)
            report.manifest = _manifest(connection, dumps, len(names))
            with ArchiveWriter(path) as archive:
                archive.add_bytes(MANIFEST, json.dumps(report.manifest, indent=1).encode())
                for dump in dumps:
                    archive.add_file(table_member(dump.table.name), dump.path)
                _add_photos(archive, names, report, progress)
                end = {"photos": report.photos, "missing_photos": report.missing_photos}
                archive.add_bytes(END, json.dumps(end).encode())
    except OSError as error:
        raise BackupError(f"Die Sicherung ließ sich nicht schreiben: {error}") from error
    report.tables, report.rows = len(dumps), sum(dump.rows for dump in dumps)
    report.size = path.stat().st_size
    return report


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)  # parents before the tables pointing at them


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """All tables as of one moment, while the site keeps running: a repeatable-read
    transaction on PostgreSQL; on SQLite a read transaction (writers wait for it)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN")  # the driver would not, for reading
            yield connection


def _dump(connection: Connection, table: Table, scratch: Path, progress: Progress) -> _Dump:
    """One table as JSON lines in a scratch file, read in batches, in primary-key order
    (a reply after the comment it answers)."""
    codec = TableCodec(table)
    query = select(*codec.columns).order_by(*table.primary_key.columns)
    target, digest, rows = scratch / f"{table.name}.jsonl", hashlib.sha256(), 0
    with target.open("wb") as stream:
        for row in connection.execution_options(yield_per=BATCH).execute(query):
            try:
                line = codec.encode(row)
            except (TypeError, ValueError) as error:
                raise BackupError(f"Tabelle {table.name}: {error}") from error
            stream.write(line)
            digest.update(line)
            rows += 1
    progress(table.name, rows)
    return _Dump(table, target, rows, digest.hexdigest())


def _photo_names(connection: Connection) -> list[str]:
    rows = connection.execute(select(IdeaPhoto.key, IdeaPhoto.widths).order_by(IdeaPhoto.id))
    return [file_name(key, int(width)) for key, widths in rows for width in widths.split(",")]


def _manifest(connection: Connection, dumps: list[_Dump], photos: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "alembic_revision": _revision(connection) or "",
        "dialect": connection.dialect.name,
        "site_url": current_app.config["SITE_URL"],
        "tables": [
            {"name": dump.table.name, "rows": dump.rows, "sha256": dump.sha256} for dump in dumps
        ],
        "photos": photos,
    }


def _add_photos(archive: ArchiveWriter, names: list[str], report: BackupReport, progress) -> None:
    storage = photo_storage()
    for name in names:
        try:
            data = storage.read(name)
        except Exception as error:  # a bucket's errors are no OSError
            raise BackupError(f"Die Fotodatei {name} ließ sich nicht lesen: {error}") from error
        if data is None:  # its row went after the snapshot, or the file was lost before
            report.missing_photos.append(name)
            continue
        archive.add_bytes(PHOTOS + name, data)
        report.photos += 1
        if report.photos % PHOTO_PROGRESS == 0:
            progress("Fotos", report.photos)
    progress("Fotos", report.photos)


def _revision(connection: Connection) -> str | None:
    """The database's Alembic revision; None before the first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
    return ",".join(sorted(rows.scalars())) or None


# --- restore --------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    photos: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)  # names of the tables restored so far
    photo_names: set[str] = field(default_factory=set)
    missing_photos: list[str] = field(default_factory=list)  # already missing when backed up


def restore_backup(
    path: Path, *, force: bool = False, progress: Progress = _quiet
) -> RestoreReport:
    """Replace the rows of every table and the photo files with those of the backup at
    `path`; only flushes, the caller commits (or rolls back: then nothing changed)."""
    with ArchiveReader(path) as archive:
        manifest = archive.manifest
        tables = _tables_in(manifest)
        _check_revision(manifest["alembic_revision"])
        if not force:
            _check_empty()
        replaced = set(_photo_names(db.session.connection()))
        _empty_database()
        report = RestoreReport(manifest=manifest)
        _load(archive, tables, replaced, report, progress)
    _reset_sequences()
    _refresh_search()
    delete_files_after_commit(sorted(replaced - report.photo_names))
    db.session.flush()
    return report


def _tables_in(manifest: dict[str, Any]) -> dict[str, tuple[Table, dict]]:
    """member name -> (table, its entry in the manifest); the same tables as the models."""
    known = {table.name: table for table in _tables()}
    listed = {entry.get("name"): entry for entry in manifest["tables"] if isinstance(entry, dict)}
    if set(listed) != set(known):
        unknown = sorted(map(str, set(listed) - set(known)))
        missing = sorted(set(known) - set(listed))
        raise BackupError(
            "Die Tabellen der Sicherung passen nicht zu dieser Version der Software "
            f"(unbekannt: {', '.join(unknown) or '–'}; "
            f"fehlen: {', '.join(missing) or '–'})."
        )
    return {table_member(name): (known[name], entry) for name, entry in listed.items()}


def _check_revision(wanted: str) -> None:
    current = _revision(db.session.connection())
    if current == wanted:
        return
    if not _is_known_revision(wanted):
        raise BackupError(
            f"Die Sicherung stammt vom Datenbankstand (Alembic-Revision) „{wanted}“, den diese "
            "Version der Software nicht kennt. Bitte mit der Version der Software einspielen, "
            "die sie geschrieben hat."
        )
    raise BackupError(
        f"Die Sicherung stammt vom Datenbankstand (Alembic-Revision) „{wanted}“, diese "
        f"Datenbank hat „{current or 'kein Schema'}“. Bitte in eine leere Datenbank auf dem "
        f"Stand der Sicherung einspielen: `{COMMAND} db upgrade {wanted}`, dann "
        f"`{COMMAND} backup restore …`, danach `{COMMAND} db upgrade` für den neuesten Stand."
    )


def _is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(migrate.get_config())
    try:
        return all(scripts.get_revision(part) is not None for part in revision.split(","))
    except CommandError:
        return False


def _check_empty() -> None:
    """Refuse to replace content: only reference data from `flask seed` may be there."""
    filled = [
        table.name
        for table in _tables()
        if table.name not in SEEDED_TABLES
        and db.session.execute(select(1).select_from(table).limit(1)).first() is not None
    ]
    if filled:
        raise BackupError(
            f"Die Datenbank enthält schon Inhalte (Tabellen {', '.join(filled[:8])}"
            f"{', …' if len(filled) > 8 else ''}). Eine Sicherung wird nur in eine leere "
            "Datenbank eingespielt; mit --force ersetzt sie alle Inhalte und Fotos."
        )


def _empty_database() -> None:
    tables = _tables()
    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names}"))  # one statement, no per-row work
        return
    for table in reversed(tables):
        db.session.execute(table.delete())


def _load(archive: ArchiveReader, tables, replaced: set[str], report, progress) -> None:
    """Every member after the manifest, checked against it; then `end.json` must come."""
    end = None
    for entry in archive.entries():
        if end is not None:
            raise BackupError(f"Nach {END} folgt noch {entry.name}.")
        if entry.name in tables:
            table, listed = tables.pop(entry.name)
            _check_parents_loaded(table, report)
            _load_table(entry, table, listed, report)
            progress(table.name, listed["rows"])
        elif entry.name.startswith(PHOTOS):
            _load_photo(entry, replaced, report)
            if report.photos % PHOTO_PROGRESS == 0:
                progress("Fotos", report.photos)
        elif entry.name == END:
            end = archive.read_json(entry)
        else:
            raise BackupError(f"Unbekannter Eintrag in der Sicherung: {entry.name}")
    _check_complete(end, tables, report)
    progress("Fotos", report.photos)


def _check_parents_loaded(table: Table, report: RestoreReport) -> None:
    parents = {key.column.table.name for key in table.foreign_keys} - {table.name}
    if not parents <= report.loaded:
        raise BackupError(f"Die Tabelle {table.name} kommt vor Tabellen, auf die sie verweist.")
    report.loaded.add(table.name)


def _load_table(entry: Entry, table: Table, listed: dict, report: RestoreReport) -> None:
    codec, digest, rows, batch = TableCodec(table), hashlib.sha256(), 0, []
    for line in entry.lines():
        digest.update(line)
        rows += 1
        try:
            batch.append(codec.decode(line))
        except RowError as error:
            raise BackupError(f"{entry.name}, Zeile {rows}: {error}") from error
        if len(batch) == BATCH:
            _insert(table, batch)
            batch = []
    if batch:
        _insert(table, batch)
    if rows != listed.get("rows") or digest.hexdigest() != listed.get("sha256"):
        raise BackupError(f"{entry.name} ist beschädigt: Zeilen oder Prüfsumme stimmen nicht.")
    report.tables, report.rows = report.tables + 1, report.rows + rows


def _insert(table: Table, rows: list[dict]) -> None:
    try:
        db.session.execute(table.insert(), rows)
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise BackupError(f"Tabelle {table.name} ließ sich nicht einspielen: {reason}") from error


def _load_photo(entry: Entry, replaced: set[str], report: RestoreReport) -> None:
    name, data = entry.name.removeprefix(PHOTOS), entry.read()
    try:
        if name in replaced:  # a file of the rows being replaced: kept if this rolls back
            photo_storage().write(name, data)
        else:
            write_files({name: data})
    except ValueError as error:
        raise BackupError(f"Kein Name einer Fotodatei: {entry.name}") from error
    report.photo_names.add(name)
    report.photos += 1


def _check_complete(end: Any, tables: dict, report: RestoreReport) -> None:
    if tables:
        missing = ", ".join(sorted(table.name for table, _ in tables.values()))
        raise BackupError(f"Die Sicherung ist unvollständig: Es fehlen die Tabellen {missing}.")
    if not isinstance(end, dict):
        raise BackupError(f"Die Sicherung ist unvollständig: {END} fehlt am Ende.")
    if end.get("photos") != report.photos:
        raise BackupError(
            f"Die Sicherung ist unvollständig: {end.get('photos')} Fotodateien angekündigt, "
            f"{report.photos} gefunden."
        )
    report.missing_photos = list(end.get("missing_photos") or [])


def _reset_sequences() -> None:
    """PostgreSQL: the next id of each table follows the restored ones (SQLite takes the
    largest id + 1 by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = func.pg_get_serial_sequence(f'"{table.name}"', column.name)
        following = func.coalesce(func.max(column), 0) + 1
        db.session.execute(select(func.setval(sequence, following, false())))


def _refresh_search() -> None:
    """The search index follows the rows by itself today (SQLite's triggers, PostgreSQL's
    expression index); a search that keeps more offers `rebuild_search_index()`."""
    rebuild = getattr(search, "rebuild_search_index", None)
    if rebuild is not None:
        rebuild()
