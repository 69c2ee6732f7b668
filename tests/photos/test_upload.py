"""Sending photos with a new idea: what is kept of them (pixels, upright) and what is not
(place, camera, serial number, texts), and what is refused, in German, next to the field,
with the rest of the form kept."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Idea
from participation.photos.models import IdeaPhoto
from tests.factories import count_rows, create_user
from tests.helpers import e, field_error, html_of, main_of
from tests.photos import images
from tests.photos.conftest import BODY, TITLE, all_photos, idea_form, stored_files

DESCRIPTION = "Eine Holzbank unter einer Linde am Ufer der Ems"
NOT_A_PHOTO = "Diese Datei ist kein Foto im Format JPEG, PNG, WebP oder HEIC."


@pytest.fixture
def resident(browser):
    browser.login(create_user().email)
    return browser


def send(browser, data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg", **form):
    """The idea form with one photo in the first slot; the preview step answers."""
    fields = {"photo_1_description": DESCRIPTION, **form}
    return browser.submit(
        "/ideas/new", idea_form(photo_1=images.upload(data, name, content_type), **fields)
    )


def submit_with_photo(browser, data: bytes, **form) -> Idea:
    """Form with the photo, then the preview's button: the two steps a person takes."""
    preview = send(browser, data, **form)
    assert preview.status_code == 200 and "Vorschau Ihrer Idee" in html_of(preview)
    [draft] = all_photos()
    response = browser.submit(
        "/ideas/new",
        idea_form(confirmed="1", photo_1_id=str(draft.id), photo_1_description=DESCRIPTION),
    )
    assert response.status_code == 302, field_error(html_of(response), "photo_1")
    return the_idea()


def the_idea() -> Idea:
    db.session.expire_all()
    return db.session.scalars(select(Idea)).one()


def served(browser, page_html: str) -> dict[str, bytes]:
    """Every photo address on a page (src and srcset), fetched like a browser would."""
    addresses = set(re.findall(r"(/(?:ideas/\d+/)?fotos/[^\s\"]+\.webp)", page_html))
    assert addresses, "no photo on the page"
    files = {}
    for address in sorted(addresses):
        response = browser.get(address)
        assert response.status_code == 200, address
        assert response.mimetype == "image/webp"
        files[address] = response.get_data()
    return files


def test_a_phone_photo_is_served_upright_in_every_size_without_any_metadata(resident, photo_folder):
    idea = submit_with_photo(resident, images.jpeg_from_a_phone(1600, 1200))

    [photo] = all_photos()
    assert (photo.idea_id, photo.owner_id, photo.position) == (idea.id, idea.author_id, 0)
    assert photo.description == DESCRIPTION
    # Orientation 6: the camera was held upright, so the stored photo is 1200 × 1600.
    assert (photo.width, photo.height, photo.sizes) == (1200, 1600, [480, 960, 1200])
    page = html_of(resident.get(f"/ideas/{idea.id}"))
    assert f'alt="{e(DESCRIPTION)}"' in page
    files = served(resident, page)
    assert {address.rsplit("/", 1)[1] for address in files} == {"480.webp", "960.webp", "1200.webp"}
    for address, data in files.items():
        image = images.assert_without_metadata(data)
        width = int(address.rsplit("/", 1)[1].split(".")[0])
        assert image.size == (width, round(1600 * width / 1200)), address  # higher than wide
        red, green, _blue = image.convert("RGB").getpixel((image.width - 2, 1))
        assert red > 200 and green < 80, "the red corner is now top right: turned right"
    assert len(stored_files(photo_folder)) == 3


def test_an_iphone_heic_photo_is_taken(resident):
    idea = submit_with_photo(resident, images.heic_from_an_iphone(), name="IMG_0042.HEIC")
    [photo] = all_photos()
    assert (photo.idea_id, photo.width, photo.height) == (idea.id, 600, 800)
    for data in served(resident, html_of(resident.get(f"/ideas/{idea.id}"))).values():
        images.assert_without_metadata(data)


def test_a_png_loses_its_text_chunks_and_a_webp_is_taken_too(resident):
    for data, name in ((images.png_with_text(), "plan.png"), (images.webp(), "bild.webp")):
        preview = send(resident, data, name=name, content_type="application/octet-stream")
        assert "Vorschau Ihrer Idee" in html_of(preview), name
    assert len(all_photos()) == 2
    for data in served(resident, html_of(preview)).values():
        images.assert_without_metadata(data)


def test_the_preview_keeps_the_photos_and_the_idea_takes_them_without_sending_again(resident):
    preview = send(resident, images.jpeg_from_a_phone())
    page = main_of(preview)
    [draft] = all_photos()
    assert draft.idea_id is None, "a draft until the idea is submitted"
    assert f'name="photo_1_id" type="hidden" value="{draft.id}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert f'src="/fotos/entwurf/{draft.key}/' in page and f'alt="{e(DESCRIPTION)}"' in page
    assert count_rows(Idea) == 0

    response = resident.submit(
        "/ideas/new",
        idea_form(confirmed="1", photo_1_id=str(draft.id), photo_1_description="Die Bank, neu"),
    )

    assert response.status_code == 302
    [photo] = all_photos()
    idea = the_idea()
    assert (photo.id, photo.idea_id, photo.description) == (draft.id, idea.id, "Die Bank, neu")
    detail = html_of(resident.get(response.headers["Location"]))
    assert f'src="/ideas/{idea.id}/fotos/{photo.key}/' in detail


def test_another_persons_draft_cannot_be_taken_into_an_idea(resident, as_user):
    other = as_user(create_user())
    send(other, images.jpeg_from_a_phone())
    [theirs] = all_photos()

    response = resident.submit(
        "/ideas/new",
        idea_form(confirmed="1", photo_1_id=str(theirs.id), photo_1_description="Meins?"),
    )

    assert response.status_code == 200
    assert "nicht mehr verfügbar" in field_error(html_of(response), "photo_1")
    assert count_rows(Idea) == 0
    assert all_photos()[0].idea_id is None
    assert e(TITLE) in html_of(response), "the rest of the form is kept"
    assert resident.get(f"/fotos/entwurf/{theirs.key}/{theirs.sizes[0]}.webp").status_code == 404


def test_a_photo_already_on_an_idea_cannot_be_moved_to_a_new_one(resident):
    idea = submit_with_photo(resident, images.jpeg_from_a_phone())
    [photo] = all_photos()
    response = resident.submit(
        "/ideas/new",
        idea_form(confirmed="1", photo_1_id=str(photo.id), photo_1_description="Nochmal"),
    )
    assert "nicht mehr verfügbar" in field_error(html_of(response), "photo_1")
    assert count_rows(Idea) == 1 and all_photos()[0].idea_id == idea.id


REFUSED = [
    (images.PDF, "rechnung.jpg", "image/jpeg", NOT_A_PHOTO),
    (images.HTML, "foto.jpg", "image/jpeg", NOT_A_PHOTO),
    (images.SVG, "zeichnung.svg", "image/svg+xml", NOT_A_PHOTO),
    (images.decompression_bomb(), "klein.png", "image/png", "mehr als 40 Megapixel"),
    (b"", "leer.jpg", "image/jpeg", "Diese Datei ist leer."),
]


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    REFUSED,
    ids=["pdf-named-jpg", "html-as-jpeg", "svg", "decompression-bomb", "empty"],
)
def test_what_is_no_photo_is_refused_next_to_the_field_and_the_form_is_kept(
    resident, photo_folder, data, name, content_type, message
):
    response = send(resident, data, name=name, content_type=content_type)

    assert response.status_code == 200
    html = html_of(response)
    assert message in field_error(html, "photo_1")
    assert "Vorschau Ihrer Idee" not in html
    assert e(TITLE) in html and e(BODY) in html
    assert f'value="{e(DESCRIPTION)}"' in html, "the description typed stays"
    assert 'id="error-summary"' in html
    assert all_photos() == [] and stored_files(photo_folder) == set()


def test_a_photo_over_ten_megabytes_is_refused(resident):
    response = send(resident, images.larger_than(10.2))
    html = html_of(response)
    assert "größer als 10 MB" in field_error(html, "photo_1")
    assert e(TITLE) in html
    assert all_photos() == []


def test_a_request_larger_than_three_photos_is_a_german_413(resident):
    response = send(resident, images.larger_than(32))
    assert response.status_code == 413
    assert "Zu viele Daten" in html_of(response) and "höchstens 10 MB" in html_of(response)
    assert all_photos() == []


def test_other_forms_keep_their_small_limit(resident):
    response = resident.client.post(
        "/account/profile",
        data={"display_name": "x" * 10, "file": (io.BytesIO(b"\0" * 2_000_000), "a.bin")},
    )
    assert response.status_code == 413


def test_a_photo_without_description_is_kept_and_asked_about(resident):
    response = send(resident, images.jpeg_from_a_phone(), photo_1_description="")

    html = html_of(response)
    assert "Bitte beschreiben Sie kurz" in field_error(html, "photo_1_description")
    assert "Vorschau Ihrer Idee" not in html and e(TITLE) in html
    [draft] = all_photos()
    assert f'name="photo_1_id" type="hidden" value="{draft.id}"' in html, "no need to send again"

    response = resident.submit(
        "/ideas/new",
        idea_form(photo_1_id=str(draft.id), photo_1_description="Die Bank am Fluss"),
    )
    assert "Vorschau Ihrer Idee" in html_of(response)


def test_a_description_whose_photo_went_missing_asks_to_choose_it_again(resident):
    response = resident.submit("/ideas/new", idea_form(photo_1_description=DESCRIPTION))
    html = html_of(response)
    assert "Bitte wählen Sie es noch einmal aus" in field_error(html, "photo_1")
    assert f'value="{e(DESCRIPTION)}"' in html


def test_more_than_three_photos_are_refused(resident):
    photo = images.jpeg_from_a_phone()
    slots = {f"photo_{n}": images.upload(photo) for n in (1, 2, 3)} | {
        f"photo_{n}_description": f"Foto Nummer {n}" for n in (1, 2, 3)
    }
    response = resident.submit(
        "/ideas/new", idea_form(**slots, photo_4=images.upload(photo), photo_4_description="4")
    )

    html = html_of(response)
    assert '<p class="field-error" id="photos-error">Sie können höchstens 3 Fotos' in html
    assert e(TITLE) in html and "Vorschau Ihrer Idee" not in html
    assert all_photos() == []


def test_an_error_elsewhere_keeps_the_photo(resident):
    response = send(resident, images.jpeg_from_a_phone(), title="Kurz")
    html = html_of(response)
    assert field_error(html, "title")
    [draft] = all_photos()
    assert f'name="photo_1_id" type="hidden" value="{draft.id}"' in html
    assert f'src="/fotos/entwurf/{draft.key}/' in html


def test_three_photos_keep_their_order(resident):
    slots = {}
    for n, (width, height) in enumerate(((800, 600), (640, 640), (600, 900)), start=1):
        out = io.BytesIO()
        images.picture(width, height).save(out, "JPEG")
        slots[f"photo_{n}"] = images.upload(out.getvalue())
        slots[f"photo_{n}_description"] = f"Foto Nummer {n}"
    preview = resident.submit("/ideas/new", idea_form(**slots))
    assert "Vorschau Ihrer Idee" in html_of(preview)
    drafts = all_photos()
    response = resident.submit(
        "/ideas/new",
        idea_form(
            confirmed="1",
            **{f"photo_{n}_id": str(drafts[n - 1].id) for n in (1, 2, 3)},
            **{f"photo_{n}_description": f"Foto Nummer {n}" for n in (1, 2, 3)},
        ),
    )
    assert response.status_code == 302
    photos = sorted(all_photos(), key=lambda photo: photo.position)
    assert [p.description for p in photos] == ["Foto Nummer 1", "Foto Nummer 2", "Foto Nummer 3"]
    assert [(p.width, p.height) for p in photos] == [(800, 600), (640, 640), (600, 900)]


def test_a_bot_gets_no_drafts(resident):
    response = send(resident, images.jpeg_from_a_phone(), website="https://spam.example")
    assert response.status_code == 200
    assert all_photos() == []


def test_the_form_offers_camera_or_gallery_with_a_label_for_every_field(resident):
    page = main_of(resident.get("/ideas/new"))
    assert 'enctype="multipart/form-data"' in page
    for n in (1, 2, 3):
        assert f'<label for="photo_{n}">Foto {n}</label>' in page
        [tag] = re.findall(rf'<input [^>]*id="photo_{n}"[^>]*>', page)
        assert 'type="file"' in tag and 'accept="image/*"' in tag
        assert f'<label for="photo_{n}_description">Was zeigt Foto {n}?</label>' in page
    assert "capture" not in page, "the phone offers the camera and the gallery"
    assert page.index('id="photos"') < page.index('for="field"'), "after the description"


def test_image_open_sees_the_original_had_all_of_it():
    """The fixture really carries what the site must remove (else the tests prove nothing)."""
    original = images.jpeg_from_a_phone()
    image = Image.open(io.BytesIO(original))
    exif = image.getexif()
    assert exif[images.ORIENTATION] == 6 and exif.get_ifd(images.GPS_IFD)
    assert images.SERIAL.encode() in original and b"Geheime Urheberin" in original
    assert "icc_profile" in image.info
    assert IdeaPhoto.__tablename__ == "idea_photos"


def test_sending_photos_is_limited_per_person_and_text_alone_is_not(resident, app, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_RATE_LIMIT", "2 per minute")
    for _ in range(2):
        assert send(resident, images.plain_jpeg()).status_code == 200
    third = send(resident, images.plain_jpeg())
    assert third.status_code == 429 and "Zu viele Anfragen" in html_of(third)
    assert e(TITLE) in html_of(third), "the typed text is shown to copy"
    assert len(all_photos()) == 2
    without_photo = resident.submit("/ideas/new", idea_form())
    assert without_photo.status_code == 200 and "Vorschau Ihrer Idee" in html_of(without_photo)


def test_a_person_with_many_unused_photos_is_asked_to_submit_first(resident, monkeypatch):
    """Drafts no idea takes up are bounded per person, before any photo is decoded."""
    from participation.photos import services

    monkeypatch.setattr(services, "MAX_DRAFTS", 2)
    for _ in range(2):
        assert send(resident, images.plain_jpeg()).status_code == 200
    assert len(all_photos()) == 2

    html = html_of(send(resident, images.plain_jpeg()))
    assert "Bitte reichen Sie zuerst Ihre Idee ein" in field_error(html, "photo_1")
    assert e(TITLE) in html
    assert len(all_photos()) == 2
