"""A resident adds a photo from the phone to a new idea: what the site serves afterwards
carries no position and no camera data; a decompression bomb and a disguised file are
refused in German, with the rest of the form kept."""

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Idea
from participation.photos.models import IdeaPhoto
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import create_idea, create_user
from tests.photos import images
from tests.photos.helpers import add_photos

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

TITLE = "Schattige Bänke am Emsufer"
BODY = "Am Emsufer in Rheine fehlen Bänke im Schatten, vor allem zwischen Brücke und Spielplatz."
DESCRIPTION = "Eine leere Wiese am Emsufer, wo eine Bank fehlt"


def choose_photo(page, data: bytes, name: str, mime: str) -> None:
    page.get_by_label("Foto 1", exact=True).set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    page.get_by_label("Was zeigt Foto 1?").fill(DESCRIPTION)
    page.get_by_role("button", name="Weiter zur Vorschau").click()


def expect_refused(page, message: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee einreichen")
    expect(page.locator("#photo_1-error")).to_contain_text(message)
    expect(page.get_by_label("Foto 1", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Titel")).to_have_value(TITLE)
    expect(page.get_by_label("Beschreibung", exact=True)).to_have_value(BODY)
    expect(page.get_by_label("Was zeigt Foto 1?")).to_have_value(DESCRIPTION)


def test_a_phone_photo_loses_its_position_and_tricks_are_refused(new_phone):
    page = new_phone(width=360)
    log_in(page, create_user().email)
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschreibung", exact=True).fill(BODY)
    page.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    page.get_by_label("Kommune").select_option(label="Rheine")

    # With JavaScript, a file over 10 MB is named before it is sent at all.
    page.get_by_label("Foto 1", exact=True).set_input_files(
        {"name": "riesig.jpg", "mimeType": "image/jpeg", "buffer": images.larger_than(10.5)}
    )
    expect(page.locator("#photo_1-size-error")).to_have_text(
        "Dieses Foto ist größer als 10 MB. Bitte wählen Sie ein kleineres Foto aus."
    )
    assert page.get_by_label("Foto 1", exact=True).evaluate("input => input.files.length") == 0

    choose_photo(page, images.decompression_bomb(), "klein.png", "image/png")
    expect_refused(page, "mehr als 40 Megapixel")
    choose_photo(page, images.PDF, "foto.jpg", "image/jpeg")
    expect_refused(page, "kein Foto im Format JPEG, PNG, WebP oder HEIC")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    choose_photo(page, images.jpeg_from_a_phone(1600, 1200), "IMG_2024.jpg", "image/jpeg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorschau Ihrer Idee")
    expect(page.locator(".preview img")).to_have_attribute("alt", DESCRIPTION)
    page.get_by_role("button", name="Idee einreichen").click()
    page.wait_for_url(re.compile(r"/ideas/\d+$"))

    photo = page.locator(".photo-gallery img").first
    expect(photo).to_have_attribute("alt", DESCRIPTION)
    expect(photo).not_to_have_attribute("loading", "lazy")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo loads"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    addresses = set(re.findall(r"(/ideas/\d+/fotos/\S+?\.webp)", photo.get_attribute("srcset")))
    assert len(addresses) == 3
    for address in addresses:
        response = page.request.get(address)
        assert response.ok, address
        served = images.assert_without_metadata(response.body())
        assert served.height > served.width, "turned upright as the camera said"

    db.session.expire_all()
    idea = db.session.scalars(select(Idea).where(Idea.title == TITLE)).one()
    [stored] = db.session.scalars(select(IdeaPhoto).where(IdeaPhoto.idea_id == idea.id))
    assert (stored.description, stored.width, stored.height) == (DESCRIPTION, 1200, 1600)


def test_pages_with_photos_pass_axe_and_fit_the_phone(new_phone):
    author = create_user()
    public = create_idea(author, title="Ein Spielplatz für den Ortskern")
    add_photos(public, "Der leere Platz hinter der Kirche", "Die alte Rutsche")
    waiting = create_idea(author, state="pending", title="Eine Bank an der Haltestelle")
    [photo] = add_photos(waiting, "Die Haltestelle ohne Bank")
    page = new_phone(width=360)
    log_in(page, author.email)
    for path in (f"/ideas/{public.id}", "/ideas", f"/ideas/{waiting.id}/edit"):
        page.goto(path)
        expect(page.locator("main img").first).to_be_visible()
        assert_no_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

    staff = new_phone(width=360)
    log_in(staff, create_user(roles=("moderator",)).email)
    for path in (f"/moderation/ideas/{waiting.id}", f"/moderation/photos/{photo.id}/remove"):
        staff.goto(path)
        assert_no_violations(staff)
        assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
