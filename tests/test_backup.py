"""`flask backup create` and `backup restore`: the database and the photo files come back
whole, on SQLite and PostgreSQL; a restore that cannot be whole changes nothing."""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from participation.accounts.second_factor.recovery import replace_codes
from participation.extensions import db, migrate
from participation.ideas.models import Idea
from participation.outbox.models import OutboxMessage
from participation.photos.models import IdeaPhoto
from participation.photos.storage import FolderStorage, photo_storage
from participation.strategy.models import Page
from participation.strategy.services import seed_district
from participation.strategy.texts import save_page
from participation.templating import load_district_data
from tests.conftest import empty_tables
from tests.factories import (
    choose_channels,
    create_comment,
    create_idea,
    create_user,
)
from tests.helpers import idea_ids_in
from tests.photos.helpers import add_photos, address
from tests.photos.test_storage_s3 import bucket, s3_endpoint  # noqa: F401 (fixtures)

SEARCH_WORD = "Wasserspielplatz"
GZIP_MAGIC = b"\x1f\x8b"


@pytest.fixture(autouse=True)
def photo_folder(app, tmp_path) -> Path:
    before = app.config["PHOTO_FOLDER"]
    app.config["PHOTO_FOLDER"] = str(tmp_path / "photos")
    yield tmp_path / "photos"
    app.config["PHOTO_FOLDER"] = before


@pytest.fixture
def backups(tmp_path) -> Path:
    folder = tmp_path / "sicherungen"
    folder.mkdir()
    return folder


def all_rows() -> dict[str, list[dict]]:
    """Every row of every table of the models, in primary-key order."""
    db.session.expire_all()
    return {
        table.name: [
            dict(row._mapping)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


def some_content(as_user) -> dict:
    """A resident's idea with a photo, a comment and its reply, supports, a follower;
    staff with recovery codes; an edited page text; chosen channels, a mail, a sign-in."""
    resident = create_user("anwohnerin@example.org", display_name="Anwohnerin")
    idea = create_idea(
        resident,
        title=f"Ein {SEARCH_WORD} im Stadtpark",
        body="Kinder brauchen im Sommer Abkühlung: Düsen im Boden, Bänke im Schatten.",
        supports=3,
    )
    (photo,) = add_photos(idea, "Der Platz vor dem Spielplatz")
    reply_to = create_comment(idea, body="Gute Idee, auch für Ältere.")
    create_comment(idea, resident, body="Danke!", parent=reply_to)
    staff = create_user(roles=("moderator",))
    replace_codes(staff)
    admin = create_user(roles=("admin",))
    imprint = db.session.scalar(select(Page).where(Page.slug == "impressum"))
    save_page(admin, imprint, imprint.body + "\n\nStand: Dezember 2026")
    choose_channels(resident, followed="daily")
    db.session.add(OutboxMessage(recipient=resident.email, subject="Hallo", body="Text"))
    db.session.commit()
    as_user(resident)
    return {"email": resident.email, "idea_id": idea.id, "photo": photo}


def photo_bytes(photo: IdeaPhoto, folder: Path) -> dict[str, bytes | None]:
    storage = FolderStorage(folder)
    return {f"{photo.key}/{w}.webp": storage.read(f"{photo.key}/{w}.webp") for w in photo.sizes}


def wipe(photo_folder: Path) -> None:
    """What a lost server leaves: the reference data from `flask seed`, nothing else."""
    empty_tables()
    shutil.rmtree(photo_folder, ignore_errors=True)


def rewritten(archive: Path, target: Path, **manifest_changes) -> Path:
    """A copy of `archive` whose manifest says something else."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), **manifest_changes}).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def head_and_previous_revision() -> tuple[str, str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.get_config())
    head = scripts.get_current_head()
    return head, scripts.get_revision(head).down_revision


# --- The round trip -------------------------------------------------------------------


def test_everything_comes_back_after_backup_wipe_and_restore(
    runner, client, as_user, new_browser, photo_folder, backups
):
    for command in (["seed"], ["demo", "--ideas", "40", "--users", "10"]):
        made = runner.invoke(args=command)
        assert made.exit_code == 0, made.output
    mine = some_content(as_user)
    before = all_rows()
    assert ", ".join(name for name, rows in before.items() if not rows) == ""
    files = photo_bytes(mine["photo"], photo_folder)
    assert all(files.values())
    archive = backups / "zukunft.tar.gz"

    created = runner.invoke(args=["backup", "create", str(archive)])

    assert created.exit_code == 0, created.output
    assert "  ideas: " in created.output and "Fotodateien" in created.output
    assert archive.read_bytes()[:2] == GZIP_MAGIC
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: the owner only
    assert [path.name for path in backups.iterdir()] == ["zukunft.tar.gz"]  # no leftovers
    wipe(photo_folder)
    assert client.get(f"/ideas/{mine['idea_id']}").status_code == 404

    restored = runner.invoke(args=["backup", "restore", str(archive)])

    assert restored.exit_code == 0, restored.output
    assert all_rows() == before
    assert photo_bytes(mine["photo"], photo_folder) == files
    served = client.get(address(mine["photo"], mine["photo"].sizes[-1]))
    assert served.status_code == 200
    assert served.data == files[f"{mine['photo'].key}/{mine['photo'].sizes[-1]}.webp"]
    assert new_browser().login(mine["email"]).status_code == 302  # signed in
    found = client.get(f"/ideas?q={SEARCH_WORD.lower()}")
    assert idea_ids_in(found.get_data(as_text=True)) == [mine["idea_id"]]
    recount = runner.invoke(args=["recount", "--check"])  # kept counts match the rows
    assert recount.exit_code == 0, recount.output
    newest = max(row["id"] for row in before["users"])
    assert create_user().id == newest + 1  # PostgreSQL's sequences follow the restored ids


def test_an_uncompressed_archive_restores_over_existing_content_with_force(
    runner, as_user, photo_folder, backups
):
    mine = some_content(as_user)
    before = all_rows()
    archive = backups / "zukunft.tar"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    assert archive.read_bytes()[:2] != GZIP_MAGIC
    db.session.delete(db.session.get(Idea, mine["idea_id"]))
    db.session.commit()
    create_idea(title="Danach eingereicht")

    result = runner.invoke(args=["backup", "restore", "--force", str(archive)])

    assert result.exit_code == 0, result.output
    assert all_rows() == before
    assert all(photo_bytes(mine["photo"], photo_folder).values())


def test_a_backup_of_sqlite_restores_into_this_database(
    app, make_app, runner, client, photo_folder, backups, tmp_path
):
    """The archive holds no dialect's own text: SQLite's backup restores into PostgreSQL
    (and into another SQLite database when the tests run on SQLite)."""
    archive = backups / "von-sqlite.tar.gz"
    source = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'quelle.sqlite'}",
        PHOTO_FOLDER=str(tmp_path / "quelle-fotos"),
    )
    with source.app_context():
        upgrade()
        seed_district(load_district_data(source.config["DISTRICT_DATA"]))
        idea = create_idea(title=f"Ein {SEARCH_WORD} in Ochtrup")
        add_photos(idea, "Der Brunnen")
        idea_id, expected = idea.id, all_rows()
        result = source.test_cli_runner().invoke(args=["backup", "create", str(archive)])
        assert result.exit_code == 0, result.output

    result = runner.invoke(args=["backup", "restore", str(archive)])

    assert result.exit_code == 0, result.output
    assert all_rows() == expected
    found = client.get(f"/ideas?q={SEARCH_WORD.lower()}")
    assert idea_ids_in(found.get_data(as_text=True)) == [idea_id]
    photo = db.session.scalar(select(IdeaPhoto))
    assert client.get(address(photo)).status_code == 200


@pytest.mark.usefixtures("bucket")
def test_photos_in_a_bucket_are_backed_up_and_restored_there(runner, client, backups):
    storage = photo_storage()
    idea = create_idea()
    (photo,) = add_photos(idea, "Im Eimer")
    names, path = [f"{photo.key}/{width}.webp" for width in photo.sizes], address(photo)
    before = storage.read(names[0])
    archive = backups / "zukunft.tgz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    empty_tables()
    storage.delete(names)
    assert storage.read(names[0]) is None

    result = runner.invoke(args=["backup", "restore", str(archive)])

    assert result.exit_code == 0, result.output
    assert storage.read(names[0]) == before
    assert client.get(path).data == before


# --- Refusals -------------------------------------------------------------------------


def test_content_is_not_replaced_without_force(runner, as_user, backups):
    some_content(as_user)
    archive = backups / "zukunft.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    create_idea(title="Nach der Sicherung eingereicht")
    before = all_rows()

    result = runner.invoke(args=["backup", "restore", str(archive)])

    assert result.exit_code == 1
    assert "Die Datenbank enthält schon Inhalte (Tabellen users, " in result.output
    assert "mit --force" in result.output
    assert all_rows() == before


@pytest.mark.parametrize("which", ["previous", "unknown"])
def test_an_archive_of_another_database_revision_is_refused(runner, backups, which):
    create_idea()
    archive = backups / "zukunft.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    head, previous = head_and_previous_revision()
    revision = previous if which == "previous" else "0123456789ab"
    other = rewritten(archive, backups / "anders.tar.gz", alembic_revision=revision)
    empty_tables()

    result = runner.invoke(args=["backup", "restore", "--force", str(other)])

    assert result.exit_code == 1
    assert f"Alembic-Revision) „{revision}“" in result.output
    if which == "previous":
        assert f"diese Datenbank hat „{head}“" in result.output
        assert f"db upgrade {revision}`" in result.output
    else:
        assert "nicht kennt" in result.output
    assert db.session.scalar(select(func.count()).select_from(Idea)) == 0


def test_garbage_is_refused_with_a_message_and_no_traceback(runner, backups):
    create_idea()
    before = all_rows()
    garbage = backups / "zukunft.tar.gz"
    garbage.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8)

    result = runner.invoke(args=["backup", "restore", "--force", str(garbage)])

    assert result.exit_code == 1
    assert "keine vollständige Sicherung dieser Plattform" in result.output
    assert "Traceback" not in result.output
    assert all_rows() == before
    missing = runner.invoke(args=["backup", "restore", str(backups / "fehlt.tar")])
    assert missing.exit_code == 1
    assert "Die Datei " in missing.output and "gibt es nicht." in missing.output


def cut_in_half(archive: Path) -> None:
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])


def cut_before_the_end(archive: Path) -> None:
    """Everything but the last member: all rows and photo files, no `end.json`."""
    with tarfile.open(archive) as tar:
        end = tar.getmember("end.json").offset
    archive.write_bytes(archive.read_bytes()[:end])


@pytest.mark.parametrize(
    ("name", "cut"),
    [("zukunft.tar.gz", cut_in_half), ("zukunft.tar", cut_before_the_end)],
    ids=["gzip-cut-in-half", "tar-without-its-end"],
)
def test_a_truncated_archive_changes_nothing_even_with_force(
    runner, photo_folder, backups, name, cut
):
    old = create_idea(title="Was gesichert wurde")
    add_photos(old, "Gesichert")
    archive = backups / name
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    cut(archive)
    wipe(photo_folder)
    current = create_idea(title="Was jetzt da ist")
    (photo,) = add_photos(current, "Jetzt da")
    before, files = all_rows(), sorted(photo_folder.rglob("*.webp"))

    result = runner.invoke(args=["backup", "restore", "--force", str(archive)])

    assert result.exit_code == 1
    assert "Fehler: " in result.output and "Traceback" not in result.output
    assert all_rows() == before
    assert sorted(photo_folder.rglob("*.webp")) == files  # the archive's photos went again
    assert all(photo_bytes(photo, photo_folder).values())


def test_a_failing_backup_leaves_no_file(runner, backups, monkeypatch):
    idea = create_idea()
    add_photos(idea, "Unlesbar")

    def unreadable(self, name):
        raise PermissionError(13, "Keine Berechtigung", name)

    monkeypatch.setattr(FolderStorage, "read", unreadable)
    result = runner.invoke(args=["backup", "create", str(backups / "zukunft.tar.gz")])

    assert result.exit_code == 1
    assert "Fehler: Die Fotodatei " in result.output and "ließ sich nicht lesen" in result.output
    assert list(backups.iterdir()) == []
    nowhere = runner.invoke(args=["backup", "create", str(backups / "fehlt" / "x.tar")])
    assert nowhere.exit_code == 1
    assert "Den Ordner " in nowhere.output
