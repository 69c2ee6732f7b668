"""Sharing public ideas and projects: Open Graph tags with absolute addresses, a preview
image drawn on the server, and the address to copy on the page; nothing for ideas the
public cannot see."""

import re
from io import BytesIO

import pytest
from PIL import Image

from participation.extensions import db
from participation.ideas.erasure import erase_idea
from participation.photos.services import ChosenPhoto, set_idea_photos, store_draft
from tests.factories import create_idea, create_user
from tests.helpers import e, fresh, html_of
from tests.roadmap.helpers import make_project

SITE = "http://localhost"  # TestConfig.SITE_URL


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=… content=…> tags."""
    head = html.split("</head>", 1)[0]
    pairs = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head)
    return dict(pairs)


def open_graph(html: str) -> dict[str, str]:
    return {k: v for k, v in meta(html).items() if k.startswith(("og:", "twitter:"))}


def test_a_public_idea_has_a_link_preview_with_absolute_addresses(client):
    idea = create_idea(
        title="Mitfahrbank am Markt",
        body="Eine **Bank** am Markt, auf der man [mitgenommen](/ideas) wird.\n\n- schnell",
        municipality="greven",
    )
    tags = open_graph(html_of(client.get(f"/ideas/{idea.id}")))
    assert tags == {
        "og:type": "article",
        "og:site_name": "#Zukunft ST",
        "og:locale": "de_DE",
        "og:title": "Mitfahrbank am Markt",
        "og:description": "Eine Bank am Markt, auf der man mitgenommen wird. schnell",
        "og:url": f"{SITE}/ideas/{idea.id}",
        "og:image": f"{SITE}/ideas/{idea.id}/vorschau.png",
        "og:image:type": "image/png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": e("Idee „Mitfahrbank am Markt“ – Mobilität, Greven"),
        "twitter:card": "summary_large_image",
    }


def test_a_project_has_a_link_preview(client):
    project = make_project(title="Mobilstationen", summary="Bus, Bahn und Rad an einem Ort.")
    tags = open_graph(html_of(client.get(f"/projects/{project.id}")))
    assert tags["og:url"] == f"{SITE}/projects/{project.id}"
    assert tags["og:image"] == f"{SITE}/projects/{project.id}/vorschau.png"
    assert tags["og:description"] == "Bus, Bahn und Rad an einem Ort."
    assert tags["twitter:card"] == "summary_large_image"


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_an_idea_the_public_cannot_see_has_no_link_preview_even_for_its_author(as_user, state):
    author = create_user()
    idea = create_idea(author, state=state, title="Noch nicht öffentlich")
    html = html_of(as_user(author).get(f"/ideas/{idea.id}"))
    assert "Noch nicht öffentlich" in html  # the author sees the page…
    assert not open_graph(html)  # …but nothing in it is made for sharing
    assert 'id="share-link"' not in html


def test_a_hidden_idea_has_no_link_preview(client):
    idea = create_idea(state="hidden", title="Ausgeblendeter Titel")
    html = html_of(client.get(f"/ideas/{idea.id}"))
    assert not open_graph(html)


def test_the_page_offers_its_address_to_copy_without_javascript(client):
    idea = create_idea()
    html = html_of(client.get(f"/ideas/{idea.id}"))
    assert '<label for="share-link">Link zu dieser Seite</label>' in html
    assert f'<input type="text" id="share-link" value="{SITE}/ideas/{idea.id}" readonly>' in html
    assert 'role="status" aria-live="polite" data-share-status' in html
    assert "mailto:?subject=" in html
    project = make_project()
    html = html_of(client.get(f"/projects/{project.id}"))
    assert f'id="share-link" value="{SITE}/projects/{project.id}" readonly>' in html


def test_sharing_loads_nothing_from_elsewhere(client):
    idea = create_idea()
    html = html_of(client.get(f"/ideas/{idea.id}"))
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in sources if s.startswith(("http", "//"))], sources


def image_of(response) -> Image.Image:
    return Image.open(BytesIO(response.get_data()))


def test_the_preview_image_of_a_public_idea_is_a_1200_by_630_card(client):
    idea = create_idea(title="Ein Radweg von Ochtrup nach Metelen für Schülerinnen und Schüler")
    response = client.get(f"/ideas/{idea.id}/vorschau.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = image_of(response)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert image.getpixel((600, 20)) == (0, 90, 112)  # the brand colour
    assert response.headers["ETag"]
    assert "public" in response.headers["Cache-Control"]


def test_an_unchanged_preview_is_not_sent_again_and_a_new_title_makes_a_new_one(client):
    idea = create_idea(title="Bürgerbus")
    url = f"/ideas/{idea.id}/vorschau.png"
    first = client.get(url)
    seen = {"If-None-Match": first.headers["ETag"]}
    again = client.get(url, headers=seen)
    assert again.status_code == 304 and again.get_data() == b""
    fresh(idea).title = "Bürgerbus auch am Sonntag"
    db.session.commit()
    changed = client.get(url, headers=seen)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_data() != first.get_data()


def test_a_project_preview_image(client):
    project = make_project(title="Mobilstationen an allen Bahnhöfen", kind="lead")
    response = client.get(f"/projects/{project.id}/vorschau.png")
    assert response.status_code == 200
    assert image_of(response).size == (1200, 630)
    assert client.get(f"/projects/{project.id + 1}/vorschau.png").status_code == 404


@pytest.mark.parametrize("state", ["pending", "rejected", "hidden", "withdrawn"])
def test_no_preview_image_for_an_idea_the_public_cannot_see(client, state):
    idea = create_idea(state=state)
    assert client.get(f"/ideas/{idea.id}/vorschau.png").status_code == 404


def test_no_preview_image_for_an_idea_that_does_not_exist(client):
    assert client.get("/ideas/999999/vorschau.png").status_code == 404
    assert client.get("/ideas/999999/vorschau.jpg").status_code == 404


def test_an_idea_withdrawn_on_account_deletion_loses_its_preview(client):
    author = create_user()
    idea = create_idea(author)
    assert client.get(f"/ideas/{idea.id}/vorschau.png").status_code == 200
    erase_idea(author, fresh(idea))
    db.session.commit()
    assert client.get(f"/ideas/{idea.id}/vorschau.png").status_code == 404


# With a photo ------------------------------------------------------------------------------


def a_photo(colour=(200, 40, 40), size=(1600, 1000)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def photo_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_FOLDER", str(tmp_path))
    app.extensions.pop("photo_storage", None)
    yield tmp_path
    app.extensions.pop("photo_storage", None)


def idea_with_photo(state="published"):
    author = create_user()
    idea = create_idea(author, title="Eine Bank am Markt", state=state)
    photo = store_draft(author, a_photo(), "Die Bank am Markt von Greven")
    set_idea_photos(author, idea, [ChosenPhoto(photo, "Die Bank am Markt von Greven")])
    db.session.commit()
    return idea


def test_with_a_photo_the_preview_shows_it_with_the_title(client, photo_folder):
    idea = idea_with_photo()
    tags = open_graph(html_of(client.get(f"/ideas/{idea.id}")))
    assert tags["og:image"] == f"{SITE}/ideas/{idea.id}/vorschau.jpg"
    assert tags["og:image:type"] == "image/jpeg"
    assert "Die Bank am Markt von Greven" in tags["og:image:alt"]

    response = client.get(f"/ideas/{idea.id}/vorschau.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    image = image_of(response)
    assert (image.format, image.size) == ("JPEG", (1200, 630))
    red, green, blue = image.getpixel((600, 100))  # the photo, above the title's band
    assert red > 150 and green < 90 and blue < 90
    # The card stays available: a preview that was shared before the photo came.
    assert client.get(f"/ideas/{idea.id}/vorschau.png").status_code == 200


def test_no_photo_preview_without_a_photo_or_for_a_hidden_idea(client, photo_folder):
    assert client.get(f"/ideas/{create_idea().id}/vorschau.jpg").status_code == 404
    hidden = idea_with_photo(state="hidden")
    assert client.get(f"/ideas/{hidden.id}/vorschau.jpg").status_code == 404
