"""Where photos end: drafts nobody submitted (retention), an account deleted with its
ideas, a refused request; and what the data export says about them."""

import json
from datetime import timedelta

from participation.extensions import db
from participation.photos.models import IdeaPhoto
from participation.photos.services import store_draft
from participation.timeutil import utcnow
from tests.factories import PASSWORD, create_idea, create_user
from tests.helpers import html_of, main_of
from tests.photos import images
from tests.photos.conftest import all_photos, idea_form, stored_files
from tests.photos.helpers import add_photos, address


def draft_of(person, hours_old: float = 0) -> IdeaPhoto:
    draft = store_draft(person, images.plain_jpeg(), "Ein Entwurf")
    draft.created_at = utcnow() - timedelta(hours=hours_old)
    db.session.commit()
    return draft


def test_retention_removes_drafts_older_than_a_day_with_their_files(runner, photo_folder):
    person = create_user()
    stale, fresh_draft = draft_of(person, hours_old=25), draft_of(person, hours_old=2)
    stale_key, fresh_id, fresh_key = stale.key, fresh_draft.id, fresh_draft.key
    idea = create_idea(person, created_at=utcnow() - timedelta(days=30))
    [on_idea] = add_photos(idea, "Längst eingereicht")
    db.session.get(IdeaPhoto, on_idea.id).created_at = utcnow() - timedelta(days=30)
    db.session.commit()

    result = runner.invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "1 nie eingereichte Fotos gelöscht (älter als 24 Stunden)." in result.output
    assert {p.id for p in all_photos()} == {fresh_id, on_idea.id}
    files = stored_files(photo_folder)
    assert not any(name.startswith(stale_key) for name in files)
    assert any(name.startswith(fresh_key) for name in files)
    again = runner.invoke(args=["retention", "run"])
    assert "0 nie eingereichte Fotos gelöscht" in again.output


def test_the_datenschutz_page_names_the_draft_period(client, app):
    page = main_of(client.get("/datenschutz"))
    hours = app.config["RETENTION_PHOTO_DRAFT_HOURS"]
    assert f"löschen wir nach {hours} Stunden" in page and "ohne Ortsangaben" in page


def delete_account(browser, remove: bool = False):
    data = {"password": PASSWORD, **({"remove_contributions": "y"} if remove else {})}
    response = browser.submit("/account/delete", data)
    assert response.status_code == 302, html_of(response)


def test_deleting_an_account_removes_drafts_and_the_photos_of_what_goes(
    as_user, client, photo_folder
):
    person = create_user(display_name="Jonas Beispiel")
    public = create_idea(person)
    waiting = create_idea(person, state="pending")
    [kept] = add_photos(public, "Jonas Beispiel zeigt die Bank")
    [erased] = add_photos(waiting, "Ein Foto einer wartenden Idee")
    kept_id, kept_url, erased_url = kept.id, address(kept), address(erased)
    draft_key = draft_of(person).key

    delete_account(as_user(person))

    [photo] = all_photos()
    assert photo.id == kept_id, "a public idea keeps its photo"
    assert photo.description == "Gelöschtes Konto zeigt die Bank", "the name is replaced"
    files = stored_files(photo_folder)
    assert {name.split("/")[0] for name in files} == {photo.key}
    assert draft_key not in str(files)
    assert client.get(kept_url).status_code == 200
    assert client.get(erased_url).status_code == 404


def test_deleting_an_account_with_its_contributions_removes_every_photo(as_user, photo_folder):
    person = create_user()
    add_photos(create_idea(person), "Öffentlich")
    add_photos(create_idea(person, state="rejected"), "Abgelehnt")
    draft_of(person)

    delete_account(as_user(person), remove=True)

    assert all_photos() == [] and stored_files(photo_folder) == set()


def test_a_request_that_fails_leaves_no_file_behind(as_user, photo_folder, monkeypatch):
    """A photo is written before its row commits; when the request fails, both go."""
    from participation.ideas import services

    person = create_user()
    browser = as_user(person)

    def broken(*args, **kwargs):
        raise RuntimeError("Datenbank weg")

    monkeypatch.setattr(services, "submit_idea", broken)
    response = browser.submit(
        "/ideas/new",
        idea_form(
            confirmed="1",
            photo_1=images.upload(images.jpeg_from_a_phone()),
            photo_1_description="Ein Foto",
        ),
    )
    assert response.status_code == 500
    assert all_photos() == [] and stored_files(photo_folder) == set()


def test_the_export_lists_the_photos_with_descriptions_and_links(as_user):
    person = create_user()
    idea = create_idea(person, state="pending")
    [photo] = add_photos(idea, "Die Haltestelle im Regen")
    draft = draft_of(person)
    browser = as_user(person)

    response = browser.submit("/account/export", {"password": PASSWORD, "format": "json"})
    data = json.loads(response.get_data(as_text=True))

    by_description = {item["description"]: item for item in data["photos"]}
    assert set(by_description) == {"Die Haltestelle im Regen", "Ein Entwurf"}
    on_idea = by_description["Die Haltestelle im Regen"]
    assert (on_idea["idea_id"], on_idea["draft"], on_idea["position"]) == (idea.id, False, 1)
    assert on_idea["links"]["800"] == f"http://localhost{address(photo, 800)}"
    assert by_description["Ein Entwurf"]["draft"] is True
    assert by_description["Ein Entwurf"]["links"]["480"].endswith(address(draft, 480))
    assert browser.get(address(photo, 800)).status_code == 200, "the link works for its owner"

    page = main_of(browser.submit("/account/export", {"password": PASSWORD, "format": "html"}))
    photos = page.split('id="photos-title"', 1)[1].split("</section>", 1)[0]
    assert "Die Haltestelle im Regen" in photos and "800 Pixel breit" in photos
