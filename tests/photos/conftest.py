"""Fixtures for the photo tests: a fresh photo folder per test, and the idea form."""

from pathlib import Path

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.photos.models import IdeaPhoto
from tests.factories import idea_form_data

TITLE = "Schattige Sitzbänke am Emsufer in Rheine"
BODY = "Am Emsufer fehlen Bänke im Schatten. Ältere Menschen könnten dort gut Pause machen."


@pytest.fixture(autouse=True)
def photo_folder(app, tmp_path) -> Path:
    """Each test's photo files in a folder of their own: what is there is what it wrote."""
    before = app.config["PHOTO_FOLDER"]
    app.config["PHOTO_FOLDER"] = str(tmp_path / "photos")
    yield tmp_path / "photos"
    app.config["PHOTO_FOLDER"] = before


def stored_files(folder: Path) -> set[str]:
    """The photo files on disk, as "<key>/<width>.webp"."""
    if not folder.exists():
        return set()
    return {f"{path.parent.name}/{path.name}" for path in folder.glob("*/*/*.webp")}


def idea_form(**changes) -> dict:
    return idea_form_data(TITLE, BODY, **changes)


def all_photos() -> list[IdeaPhoto]:
    db.session.expire_all()
    return list(db.session.scalars(select(IdeaPhoto).order_by(IdeaPhoto.id)))


@pytest.fixture
def moderator(as_user):
    """A browser signed in with the given roles; returns (user, browser)."""
    from tests.factories import create_user

    def make(*roles: str):
        user = create_user(roles=roles or ("moderator",))
        return user, as_user(user)

    return make
