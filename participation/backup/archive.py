"""The backup file: a tar archive, gzip-compressed when its name ends in .gz or .tgz.

    manifest.json           what is inside; first, so a restore checks it before anything
    tables/<table>.jsonl    one JSON object per row, tables in the order of their foreign keys
    photos/<key>/<w>.webp   every stored photo file
    end.json                last: how many photos came (a file may have been missing)

Written under a hidden name next to the target and renamed only when complete; readable
by its owner only, for it holds personal data. Read as a stream, member by member.
"""

import json
import os
import secrets
import tarfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from ..rules import RuleError

FORMAT = "zukunft-st-backup"
VERSION = 1
MANIFEST = "manifest.json"
END = "end.json"
TABLES = "tables/"
PHOTOS = "photos/"
GZIP_LEVEL = 6  # nearly the size of 9 in half the time; photos are compressed already
# What reading a damaged or foreign file raises, from the tar, gzip or JSON layer.
DAMAGED = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError, ValueError)


class BackupError(RuleError):
    """A backup could not be written or read; the message says why, in German."""


def is_compressed(path: Path) -> bool:
    return path.name.endswith((".gz", ".tgz"))


def table_member(name: str) -> str:
    return f"{TABLES}{name}.jsonl"


class ArchiveWriter:
    """`with ArchiveWriter(path) as archive: archive.add_bytes(...)`; on an error the
    partial file goes and `path` is left as it was."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")

    def __enter__(self) -> "ArchiveWriter":
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        try:
            if is_compressed(self.path):
                self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=GZIP_LEVEL)
            else:
                self._tar = tarfile.open(fileobj=self._file, mode="w")
        except BaseException:
            self._discard()
            raise
        return self

    def add_bytes(self, name: str, data: bytes) -> None:
        self._tar.addfile(self._info(name, len(data)), BytesIO(data))

    def add_file(self, name: str, source: Path) -> None:
        with source.open("rb") as stream:
            self._tar.addfile(self._info(name, source.stat().st_size), stream)

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(time.time())
        return info

    def __exit__(self, kind, error, traceback) -> None:
        if error is not None:
            self._discard()
            return
        try:
            self._tar.close()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.partial, self.path)
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        self._file.close()
        self.partial.unlink(missing_ok=True)


@dataclass
class Entry:
    """One member after the manifest: a table's lines or a photo file."""

    name: str
    stream: IO[bytes]
    where: str

    def lines(self) -> Iterator[bytes]:
        with damaged(self.where):
            yield from self.stream

    def read(self) -> bytes:
        with damaged(self.where):
            return self.stream.read()


@contextmanager
def damaged(where: str) -> Iterator[None]:
    """Errors of a damaged, truncated or foreign file become one German message."""
    try:
        yield
    except BackupError:
        raise
    except FileNotFoundError as error:
        raise BackupError(f"Die Datei {where} gibt es nicht.") from error
    except PermissionError as error:
        raise BackupError(
            f"Die Datei {where} lässt sich nicht lesen (keine Berechtigung)."
        ) from error
    except DAMAGED as error:
        raise BackupError(
            f"{where} ist keine vollständige Sicherung dieser Plattform "
            f"(beschädigt, abgeschnitten oder eine andere Datei): {error}"
        ) from error


class ArchiveReader:
    """`with ArchiveReader(path) as archive:` reads the manifest; `entries()` the rest."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "ArchiveReader":
        with damaged(str(self.path)):
            self._file = self.path.open("rb")
            try:
                self._tar = tarfile.open(fileobj=self._file, mode="r|*")
                self._members = iter(self._tar)
                first = next(self._members, None)
                if first is None or first.name != MANIFEST:
                    raise BackupError(f"{self.path} ist keine Sicherung dieser Plattform.")
                self.manifest = check_manifest(self._json(first))
            except BaseException:
                self._file.close()
                raise
        return self

    def entries(self) -> Iterator[Entry]:
        where = str(self.path)
        with damaged(where):
            for member in self._members:
                if not member.isfile():
                    raise BackupError(f"{where} enthält etwas anderes als Dateien: {member.name}")
                yield Entry(member.name, self._tar.extractfile(member), where)

    def read_json(self, entry: Entry) -> Any:
        with damaged(entry.where):
            return json.loads(entry.read())

    def _json(self, member: tarfile.TarInfo) -> Any:
        return json.loads(self._tar.extractfile(member).read())

    def __exit__(self, *exc_info) -> None:
        self._tar.close()
        self._file.close()


def check_manifest(manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Die Datei ist keine Sicherung dieser Plattform (manifest.json fehlt).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"Die Sicherung hat das Format {manifest.get('version')}, diese Version der "
            f"Software liest Format {VERSION}. Bitte mit der Version einspielen, die sie "
            "geschrieben hat."
        )
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not isinstance(manifest.get("alembic_revision"), str):
        raise BackupError("manifest.json der Sicherung ist unvollständig.")
    return manifest
