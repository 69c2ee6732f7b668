"""A photo is moderated with its idea: whoever may not read the idea's content gets a 404
for its photos too, even with the address. Public photos are cached for long, the others
nowhere."""

import re

import pytest

from tests.factories import create_idea, create_user
from tests.helpers import e, main_of
from tests.photos.helpers import add_photos, address

VISITORS = ("anonymous", "other", "other_town_moderator", "author", "moderator", "district")
# Who sees the photos of an idea in each state (as the idea's page shows its content).
SEES = {
    "published": set(VISITORS),
    "adopted": set(VISITORS),
    "declined": set(VISITORS),
    "pending": {"author", "moderator", "district"},
    "rejected": {"author", "moderator", "district"},
    "withdrawn": {"author", "moderator", "district"},
    "hidden": {"moderator", "district"},  # the author sees only the placeholder, too
}


@pytest.fixture
def people(client, as_user):
    author = create_user()
    return author, {
        "anonymous": client,
        "other": as_user(create_user()),
        "other_town_moderator": as_user(create_user(roles=("moderator:greven",))),
        "author": as_user(author),
        "moderator": as_user(create_user(roles=("moderator:rheine",))),
        "district": as_user(create_user(roles=("moderator",))),
    }


@pytest.mark.parametrize("state", sorted(SEES))
def test_only_those_who_may_read_the_idea_load_its_photo(people, state):
    author, visitors = people
    [photo] = add_photos(create_idea(author, state=state, municipality="rheine"), "Ein Spielplatz")
    for who, visitor in visitors.items():
        response = visitor.get(address(photo))
        expected = 200 if who in SEES[state] else 404
        assert response.status_code == expected, (state, who)
        if expected == 200:
            assert response.mimetype == "image/webp" and response.get_data()[:4] == b"RIFF"
        else:
            assert b"RIFF" not in response.get_data()


def test_public_photos_are_cached_for_an_hour_also_for_signed_in_people(people):
    author, visitors = people
    [photo] = add_photos(create_idea(author), "Ein Spielplatz")
    for who in ("anonymous", "other", "author"):
        response = visitors[who].get(address(photo))
        cache = response.headers["Cache-Control"]
        assert cache == "public, max-age=3600", (who, cache)
        assert "no-store" not in cache and "Set-Cookie" not in response.headers, who


def test_other_photos_are_kept_in_no_cache(people):
    author, visitors = people
    [photo] = add_photos(create_idea(author, state="pending"), "Ein Spielplatz")
    for who in ("author", "moderator"):
        cache = visitors[who].get(address(photo)).headers["Cache-Control"]
        assert "no-store" in cache and "public" not in cache, (who, cache)


def test_a_second_fetch_of_the_same_photo_is_a_304(people):
    author, visitors = people
    [photo] = add_photos(create_idea(author), "Ein Spielplatz")
    first = visitors["anonymous"].get(address(photo))
    again = visitors["anonymous"].get(
        address(photo), headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""


def test_addresses_that_do_not_fit_together_are_not_found(people):
    author, visitors = people
    idea = create_idea(author)
    other_idea = create_idea(author)
    [photo] = add_photos(idea, "Ein Spielplatz")
    anonymous = visitors["anonymous"]
    width = photo.sizes[0]
    for path in (
        f"/ideas/{other_idea.id}/fotos/{photo.key}/{width}.webp",  # another idea's address
        f"/ideas/{idea.id}/fotos/{photo.key}/123.webp",  # a width never stored
        f"/ideas/{idea.id}/fotos/{'A' * 24}/{width}.webp",  # a guessed key
        f"/ideas/{idea.id}/fotos/{photo.id}/{width}.webp",  # the row's number
        f"/fotos/entwurf/{photo.key}/{width}.webp",  # no longer a draft
        f"/ideas/{idea.id}/fotos/..%2F..%2Fsecret_key/{width}.webp",
    ):
        assert anonymous.get(path).status_code == 404, path
    assert anonymous.get(address(photo)).status_code == 200


def test_keys_are_random_and_say_nothing_of_the_row(people):
    author, _visitors = people
    photos = add_photos(create_idea(author), "Eins", "Zwei", "Drei")
    keys = [photo.key for photo in photos]
    assert len(set(keys)) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]{24}", key) for key in keys)
    assert not any(str(photo.id) == photo.key for photo in photos)


def test_the_idea_page_shows_a_gallery_with_sizes_and_the_description_as_text(client):
    idea = create_idea()
    first, second = add_photos(idea, "Der Spielplatz von der Straße aus", "Die kaputte Schaukel")
    page = main_of(client.get(f"/ideas/{idea.id}"))
    gallery = page.split('<ul class="photo-gallery">', 1)[1].split("</ul>", 1)[0]
    tags = re.findall(r"<img [^>]+>", gallery)
    assert len(tags) == 2
    assert (
        f'alt="{e(first.description)}"' in tags[0] and f'alt="{e(second.description)}"' in tags[1]
    )
    assert 'loading="lazy"' not in tags[0], "the first photo is part of the page"
    assert 'loading="lazy"' in tags[1]
    for tag, photo in ((tags[0], first), (tags[1], second)):
        assert f'srcset="/ideas/{idea.id}/fotos/{photo.key}/480.webp 480w, ' in tag
        assert f'/ideas/{idea.id}/fotos/{photo.key}/800.webp 800w"' in tag
        assert 'sizes="' in tag and 'width="800" height="600"' in tag


def card_of(page: str, idea) -> str:
    """The card on a list page that links to `idea`."""
    return page.split(f'href="/ideas/{idea.id}"', 1)[0].rsplit("<article", 1)[1]


def test_cards_show_the_first_photo_small_and_lazily_and_others_stay_as_they_were(client):
    with_photos = create_idea(title="Idee mit Foto für den Kreis")
    first, _second = add_photos(with_photos, "Erstes Foto", "Zweites Foto")
    without = create_idea(title="Idee ohne Foto für den Kreis")
    page = main_of(client.get("/ideas"))
    [tag] = re.findall(r"<img [^>]+>", card_of(page, with_photos))
    assert f'src="/ideas/{with_photos.id}/fotos/{first.key}/480.webp"' in tag
    assert 'loading="lazy"' in tag and 'width="480" height="360"' in tag and 'alt=""' in tag
    assert "<img" not in card_of(page, without)
