"""Authors change the photos of their waiting or rejected idea in its form: describe them
anew, remove, replace or add one. Old files go once the change is saved."""

import pytest

from tests.factories import create_idea, create_user
from tests.helpers import e, field_error, html_of, main_of
from tests.photos import images
from tests.photos.conftest import BODY, TITLE, all_photos, idea_form, stored_files
from tests.photos.helpers import add_photos


@pytest.fixture
def author():
    return create_user()


def slots_of(photos, **changes) -> dict:
    """The form's fields as the edit page fills them: each photo's id and description."""
    data = {}
    for n, photo in enumerate(photos, start=1):
        data[f"photo_{n}_id"] = str(photo.id)
        data[f"photo_{n}_description"] = photo.description
    return {**data, **changes}


def test_the_edit_form_opens_with_the_photos_and_their_descriptions(author, as_user):
    idea = create_idea(author, state="pending")
    first, second = add_photos(idea, "Der Marktplatz", "Der Brunnen")
    page = main_of(as_user(author).get(f"/ideas/{idea.id}/edit"))
    assert 'enctype="multipart/form-data"' in page
    assert f'name="photo_1_id" type="hidden" value="{first.id}"' in page
    assert f'name="photo_2_id" type="hidden" value="{second.id}"' in page
    assert 'value="Der Marktplatz"' in page and 'value="Der Brunnen"' in page
    assert '<label for="photo_1">Foto 1 ersetzen</label>' in page
    assert '<label for="photo_2_remove">Foto 2 entfernen</label>' in page
    assert '<label for="photo_3">Foto 3</label>' in page


def test_the_author_removes_replaces_adds_and_describes_anew(author, as_user, photo_folder):
    idea = create_idea(author, state="pending", title=TITLE, body=BODY)
    first, second = add_photos(idea, "Der Marktplatz", "Der Brunnen")
    old_files = stored_files(photo_folder)
    browser = as_user(author)

    response = browser.submit(
        f"/ideas/{idea.id}/edit",
        idea_form(
            **slots_of(
                [first, second],
                photo_1_remove="y",
                photo_2=images.upload(images.heic_from_an_iphone()),
                photo_2_description="Der Brunnen im Sommer",
                photo_3=images.upload(images.png_with_text()),
                photo_3_description="Ein Plan der Sitzbänke",
            )
        ),
    )

    assert response.status_code == 302
    photos = sorted(all_photos(), key=lambda photo: photo.position)
    assert [(p.idea_id, p.description) for p in photos] == [
        (idea.id, "Der Brunnen im Sommer"),
        (idea.id, "Ein Plan der Sitzbänke"),
    ]
    assert not {first.id, second.id} & {p.id for p in photos}
    files = stored_files(photo_folder)
    assert not old_files & files, "the removed and the replaced photo's files are gone"
    assert len(files) == 4


def test_a_refused_replacement_keeps_the_photo_and_changes_nothing(author, as_user, photo_folder):
    idea = create_idea(author, state="pending", title=TITLE)
    [photo] = add_photos(idea, "Der Marktplatz")
    before = stored_files(photo_folder)
    response = as_user(author).submit(
        f"/ideas/{idea.id}/edit",
        idea_form(**slots_of([photo]), photo_1=images.upload(images.PDF, "scan.jpg")),
    )
    html = html_of(response)
    assert "kein Foto" in field_error(html, "photo_1")
    assert f'name="photo_1_id" type="hidden" value="{photo.id}"' in html
    assert [p.id for p in all_photos()] == [photo.id] and stored_files(photo_folder) == before


def test_a_new_description_alone_is_saved(author, as_user):
    idea = create_idea(author, state="pending")
    [photo] = add_photos(idea, "Der Marktplatz")
    response = as_user(author).submit(
        f"/ideas/{idea.id}/edit",
        idea_form(**slots_of([photo], photo_1_description="Der Marktplatz am Samstag")),
    )
    assert response.status_code == 302
    assert [p.description for p in all_photos()] == ["Der Marktplatz am Samstag"]


def test_an_emptied_description_is_asked_for(author, as_user):
    idea = create_idea(author, state="pending")
    [photo] = add_photos(idea, "Der Marktplatz")
    response = as_user(author).submit(
        f"/ideas/{idea.id}/edit", idea_form(**slots_of([photo], photo_1_description=""))
    )
    assert "Bitte beschreiben Sie kurz" in field_error(html_of(response), "photo_1_description")
    assert [p.description for p in all_photos()] == ["Der Marktplatz"]


def test_a_photo_of_another_idea_cannot_be_named_in_the_form(author, as_user):
    mine = create_idea(author, state="pending", title=TITLE)
    theirs = create_idea(create_user(), state="pending")
    [foreign] = add_photos(theirs, "Fremdes Foto")
    own_other = create_idea(author, state="pending")
    [other_idea_photo] = add_photos(own_other, "Mein anderes Foto")
    browser = as_user(author)
    for photo in (foreign, other_idea_photo):
        response = browser.submit(f"/ideas/{mine.id}/edit", idea_form(**slots_of([photo])))
        assert "nicht mehr verfügbar" in field_error(html_of(response), "photo_1")
        assert e(TITLE) in html_of(response)
    assert {p.id: p.idea_id for p in all_photos()} == {
        foreign.id: theirs.id,
        other_idea_photo.id: own_other.id,
    }


def test_a_rejected_idea_is_revised_with_a_new_photo(author, as_user):
    idea = create_idea(author, state="rejected")
    response = as_user(author).submit(
        f"/ideas/{idea.id}/revise",
        idea_form(
            photo_1=images.upload(images.jpeg_from_a_phone()),
            photo_1_description="Die Stelle, um die es geht",
        ),
    )
    assert response.status_code == 302
    [photo] = all_photos()
    assert (photo.idea_id, photo.description) == (idea.id, "Die Stelle, um die es geht")


def test_a_published_idea_cannot_change_its_photos(author, as_user):
    idea = create_idea(author, state="published")
    [photo] = add_photos(idea, "Der Marktplatz")
    browser = as_user(author)
    response = browser.submit(
        f"/ideas/{idea.id}/edit",
        idea_form(**slots_of([photo]), photo_1_remove="y"),
        form_page="/account",
    )
    assert response.status_code == 403
    assert [p.id for p in all_photos()] == [photo.id]


def test_a_blocked_author_changes_no_photo(author, as_user):
    from participation.extensions import db
    from participation.timeutil import utcnow

    idea = create_idea(author, state="pending")
    [photo] = add_photos(idea, "Der Marktplatz")
    browser = as_user(author)
    token_page = browser.get("/account")
    assert token_page.status_code == 200
    author.blocked_at, author.blocked_reason = utcnow(), "Beleidigungen"
    db.session.commit()
    response = browser.submit(
        f"/ideas/{idea.id}/edit",
        idea_form(**slots_of([photo]), photo_1=images.upload(images.plain_jpeg())),
        form_page="/account",
    )
    assert response.status_code == 403
    assert [p.id for p in all_photos()] == [photo.id]
