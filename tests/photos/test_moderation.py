"""Moderators take a single photo off an idea, with a reason: it is gone (row and files),
the log says who, when and why, and the author hears of it. The queue shows photos, so
an idea's photos are seen before it is approved."""

import pytest

from participation.extensions import db
from participation.photos.models import IdeaPhoto
from participation.photos.services import store_draft
from tests.factories import count_rows, create_idea, create_user, find_user, outbox
from tests.helpers import audit, e, field_error, html_of, main_of
from tests.moderation.helpers import create_template
from tests.photos import images
from tests.photos.conftest import all_photos, stored_files
from tests.photos.helpers import add_photos, address

REASON = "Auf dem Foto ist ein Kennzeichen zu lesen."


@pytest.fixture
def idea_with_photos():
    author = create_user(email="anna@example.org", display_name="Anna Aktiv")
    idea = create_idea(author, title="Mehr Grün am Bahnhof Rheine", municipality="rheine")
    return idea, add_photos(idea, "Der Bahnhofsvorplatz", "Ein parkendes Auto", "Die Bäume")


def remove(browser, photo, **form):
    url = f"/moderation/photos/{photo.id}/remove"
    return browser.submit(url, {"template": "0", "reason": REASON, **form})


def test_a_moderator_removes_one_photo_with_a_reason(
    idea_with_photos, moderator, as_user, client, photo_folder
):
    idea, (first, car, trees) = idea_with_photos
    mod, browser = moderator("moderator:rheine")
    page = main_of(browser.get(f"/moderation/ideas/{idea.id}"))
    assert f'href="/moderation/photos/{car.id}/remove"' in page
    form = main_of(browser.get(f"/moderation/photos/{car.id}/remove"))
    assert f'alt="{e(car.description)}"' in form and "Foto entfernen" in form

    response = remove(browser, car)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderation/ideas/{idea.id}"
    assert [p.id for p in all_photos()] == [first.id, trees.id]
    assert client.get(address(car)).status_code == 404
    assert not any(name.startswith(car.key) for name in stored_files(photo_folder))
    assert len(stored_files(photo_folder)) == 4, "the other photos' files stay"
    public = main_of(client.get(f"/ideas/{idea.id}"))
    assert "Ein parkendes Auto" not in public and "Der Bahnhofsvorplatz" in public
    [entry] = audit("idea.photo_remove")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (mod.id, "ideas", idea.id)
    assert (entry.before, entry.reason) == ("Ein parkendes Auto", REASON)
    [mail] = outbox("anna@example.org")
    subject = "Die Moderation hat ein Foto Ihrer Idee entfernt: Mehr Grün am Bahnhof Rheine"
    assert mail.subject == subject
    assert "„Ein parkendes Auto“" in mail.body and REASON in mail.body
    assert "Mehr Grün am Bahnhof Rheine" in mail.body
    inbox = main_of(as_user(find_user("anna@example.org")).get("/benachrichtigungen"))
    assert "ein Foto Ihrer Idee „Mehr Grün am Bahnhof Rheine“ entfernt" in inbox
    assert "„Ein parkendes Auto“" in inbox and REASON in inbox
    history = main_of(browser.get(f"/moderation/ideas/{idea.id}"))
    assert "Foto einer Idee entfernt (Moderation)" in history and REASON in history


def test_a_reason_template_can_be_the_reason(idea_with_photos, moderator):
    _idea, (_first, car, _trees) = idea_with_photos
    template = create_template(
        kind="hide", title="Persönliche Daten", text="Bitte keine Kennzeichen."
    )
    _mod, browser = moderator("moderator")
    response = remove(browser, car, template=str(template.id), reason="")
    assert response.status_code == 302
    [entry] = audit("idea.photo_remove")
    assert entry.reason == "Bitte keine Kennzeichen."


def test_without_a_reason_nothing_is_removed(idea_with_photos, moderator):
    _idea, (_first, car, _trees) = idea_with_photos
    _mod, browser = moderator("moderator:rheine")
    response = remove(browser, car, reason="")
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Vorlage" in field_error(html_of(response), "reason")
    assert count_rows(IdeaPhoto) == 3 and audit("idea.photo_remove") == []
    assert outbox("anna@example.org") == []


def test_a_moderator_of_another_town_finds_no_such_photo(idea_with_photos, moderator, as_user):
    _idea, (_first, car, _trees) = idea_with_photos
    _mod, browser = moderator("moderator:greven")
    assert browser.get(f"/moderation/photos/{car.id}/remove").status_code == 404
    assert remove(browser, car).status_code in (400, 404)
    resident = as_user(create_user())
    assert resident.get(f"/moderation/photos/{car.id}/remove").status_code == 403
    assert count_rows(IdeaPhoto) == 3


def test_a_draft_is_no_moderation_matter(moderator):
    draft = store_draft(create_user(), images.plain_jpeg(), "Entwurf")
    db.session.commit()
    _mod, browser = moderator("moderator")
    assert browser.get(f"/moderation/photos/{draft.id}/remove").status_code == 404


def test_the_queue_shows_the_photos_of_a_waiting_idea(moderator):
    author = create_user()
    idea = create_idea(author, state="pending", municipality="rheine")
    [photo] = add_photos(idea, "Der Radweg bei Nacht")
    _mod, browser = moderator("moderator:rheine")
    queue = main_of(browser.get("/moderation"))
    assert f'src="/ideas/{idea.id}/fotos/{photo.key}/480.webp"' in queue
    assert 'alt="Der Radweg bei Nacht"' in queue
    assert browser.get(address(photo)).status_code == 200
