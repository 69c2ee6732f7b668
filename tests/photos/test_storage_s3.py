"""The bucket storage against a real S3 endpoint (moto's server on a local port): the same
behaviour as the folder, and the app still serves every file itself."""

import socket

import pytest

from participation.extensions import db
from participation.photos.services import remove_photo
from participation.photos.storage import S3_PREFIX, FolderStorage, S3Storage
from tests.factories import create_idea, create_user
from tests.helpers import html_of
from tests.photos import images
from tests.photos.conftest import all_photos, idea_form
from tests.photos.helpers import add_photos, address

BUCKET = "zukunft-st-fotos"
REGION = "eu-central-1"
NAME = "AbCdEfGhIjKlMnOpQrStUvWx/480.webp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] fehlt")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, app, monkeypatch):
    """The app set to PHOTO_STORAGE=s3 with an empty bucket; the credentials come from the
    environment, as in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for key, value in {
        "PHOTO_STORAGE": "s3",
        "PHOTO_S3_BUCKET": BUCKET,
        "PHOTO_S3_ENDPOINT_URL": s3_endpoint,
        "PHOTO_S3_REGION": REGION,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    storage = S3Storage(BUCKET, s3_endpoint, REGION)
    storage.client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    yield storage
    objects = storage.client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        storage.client.delete_object(Bucket=BUCKET, Key=item["Key"])
    storage.client.delete_bucket(Bucket=BUCKET)


def keys_in(storage: S3Storage) -> set[str]:
    answer = storage.client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in answer.get("Contents", [])}


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_both_storages_write_read_and_delete_alike(kind, bucket, tmp_path):
    storage = FolderStorage(tmp_path) if kind == "folder" else bucket
    assert storage.read(NAME) is None
    storage.write(NAME, b"RIFF-Bild")
    assert storage.read(NAME) == b"RIFF-Bild"
    storage.delete([NAME, "ZzZzZzZzZzZzZzZzZzZzZzZz/960.webp"])  # a missing one is no error
    assert storage.read(NAME) is None
    with pytest.raises(ValueError):
        storage.write("../../etc/passwd", b"x")


def test_photos_sent_with_an_idea_live_in_the_bucket_and_the_app_serves_them(bucket, browser):
    browser.login(create_user().email)
    preview = browser.submit(
        "/ideas/new",
        idea_form(
            photo_1=images.upload(images.jpeg_from_a_phone()),
            photo_1_description="Die Brücke über die Ems",
        ),
    )
    page = html_of(preview)
    [draft] = all_photos()
    assert keys_in(bucket) == {f"{S3_PREFIX}{draft.key}/{width}.webp" for width in draft.sizes}
    assert "amazonaws" not in page and bucket.client.meta.endpoint_url not in page
    response = browser.get(address(draft))
    assert response.status_code == 200
    images.assert_without_metadata(response.get_data())


def test_a_removed_photo_leaves_no_object_once_committed(bucket):
    [photo] = add_photos(create_idea(create_user(), state="pending"), "Ein Foto im Eimer")
    assert len(keys_in(bucket)) == len(photo.sizes)

    remove_photo(photo)
    assert len(keys_in(bucket)) == len(photo.sizes), "until the commit, the files stay"
    db.session.commit()

    assert keys_in(bucket) == set()


def test_a_wrong_storage_setting_stops_the_start_with_a_german_message(make_app):
    with pytest.raises(RuntimeError, match="erlaubt sind „folder“ und „s3“"):
        make_app(PHOTO_STORAGE="ftp")
    with pytest.raises(RuntimeError, match="PHOTO_S3_BUCKET ist leer"):
        make_app(PHOTO_STORAGE="s3", PHOTO_S3_BUCKET="")
