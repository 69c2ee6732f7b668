"""Where photo files live: a folder (the default) or an S3-compatible bucket.

One small interface, so the rest of the app never knows which. Either way the app serves
every file itself (`views`), after checking who may see it: the bucket needs no public
access, and its addresses never reach a page.

    PHOTO_STORAGE=folder  PHOTO_FOLDER (default: instance/photos)
    PHOTO_STORAGE=s3      PHOTO_S3_BUCKET, PHOTO_S3_ENDPOINT_URL, PHOTO_S3_REGION;
                          credentials from the environment as boto3 reads them
                          (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...)
"""

import os
import re
import secrets
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from flask import current_app

# "<key>/<width>.webp": the key is random (`new_key`), the width a number.
NAME = re.compile(r"[A-Za-z0-9_-]{16,32}/[0-9]{1,5}\.webp")
S3_PREFIX = "idea-photos/"
S3_DELETE_BATCH = 1000  # the most one DeleteObjects request takes


def new_key() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 random bits


def file_name(key: str, width: int) -> str:
    return f"{key}/{width}.webp"


def _checked(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ValueError(f"Kein Name einer Fotodatei: {name!r}")
    return name


class PhotoStorage(Protocol):
    def write(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes | None:
        """The file's bytes; None when there is no such file."""

    def delete(self, names: Iterable[str]) -> None:
        """Remove the files; missing ones are no error."""


class FolderStorage:
    """Files under a folder, spread over subfolders by the key's first two characters."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        return self.root / name[:2] / _checked(name)

    def write(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        draft.write_bytes(data)
        os.replace(draft, path)  # readers see the whole file or none

    def read(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, names: Iterable[str]) -> None:
        folders = set()
        for name in names:
            path = self._path(name)
            path.unlink(missing_ok=True)
            folders.add(path.parent)
        for folder in folders:
            with suppress(OSError):  # other sizes of the photo are still there, or none was
                folder.rmdir()


class S3Storage:
    """Objects in a bucket of any S3-compatible service; boto3 is the optional `s3` extra."""

    def __init__(self, bucket: str, endpoint_url: str | None, region: str | None):
        import boto3  # only installed where a bucket is used

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def write(self, name: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=S3_PREFIX + _checked(name),
            Body=data,
            ContentType="image/webp",
        )

    def read(self, name: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=S3_PREFIX + _checked(name))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def delete(self, names: Iterable[str]) -> None:
        keys = [{"Key": S3_PREFIX + _checked(name)} for name in names]
        for start in range(0, len(keys), S3_DELETE_BATCH):
            batch = keys[start : start + S3_DELETE_BATCH]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})


def _settings(config) -> tuple:
    return (
        config["PHOTO_STORAGE"],
        config["PHOTO_FOLDER"],
        config["PHOTO_S3_BUCKET"],
        config["PHOTO_S3_ENDPOINT_URL"],
        config["PHOTO_S3_REGION"],
    )


def check_settings(config) -> None:
    """At start-up: a wrong setting is named at once, not at the first photo."""
    kind, _folder, bucket, _endpoint, _region = _settings(config)
    if kind not in ("folder", "s3"):
        raise RuntimeError(f"PHOTO_STORAGE ist „{kind}“: erlaubt sind „folder“ und „s3“.")
    if kind == "s3" and not bucket:
        raise RuntimeError("PHOTO_STORAGE ist „s3“, aber PHOTO_S3_BUCKET ist leer.")


def photo_storage() -> PhotoStorage:
    """The storage the app's configuration names; made once per app and setting."""
    settings = _settings(current_app.config)
    made = current_app.extensions.get("photo_storage")
    if made is None or made[0] != settings:
        kind, folder, bucket, endpoint, region = settings
        storage = FolderStorage(folder) if kind == "folder" else S3Storage(bucket, endpoint, region)
        made = current_app.extensions["photo_storage"] = (settings, storage)
    return made[1]
