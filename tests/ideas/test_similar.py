"""„Gibt es das schon?“: the ideas most like a new one's title and description come first,
whatever their support, on SQLite (FTS5 bm25) and PostgreSQL (ts_rank) alike."""

import re

from participation.ideas.listing import similar_ideas
from tests.factories import create_idea, create_user, get_field, get_municipality
from tests.helpers import html_of, main_of

TITLE = "Sichere Radwege zur Schule"
BODY = (
    "Viele Kinder fahren mit dem Fahrrad zur Schule. An den Kreuzungen fehlen Ampeln, "
    "die Radwege enden plötzlich."
)


def three_ideas():
    """The most supported is the least similar; the least supported the most similar."""
    closest = create_idea(
        title="Sichere Radwege für Kinder auf dem Schulweg",
        body="Kinder fahren mit dem Fahrrad zur Schule: durchgehende Radwege und Ampeln "
        "an den Kreuzungen, damit der Schulweg sicher wird.",
    )
    related = create_idea(
        title="Radwege an der Ems ausbauen",
        body="Ein durchgehender Radweg entlang der Ems, auch für Kinder mit dem Fahrrad.",
        supports=4,
    )
    distant = create_idea(
        title="Neue Schule für Greven",
        body="Eine Gesamtschule mit Mensa und Sporthalle in Greven.",
        supports=9,
    )
    create_idea(title="Ein Jugendzentrum für Ochtrup", body="Ein Treffpunkt für die Jugend.")
    return closest, related, distant


def linked_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li><a href="/ideas/(\d+)"', html)]


def test_the_most_similar_idea_comes_first_not_the_most_supported(app):
    closest, related, distant = three_ideas()

    found = similar_ideas(TITLE, BODY)

    assert [idea.id for idea in found] == [closest.id, related.id, distant.id]


def test_the_description_counts_too(app):
    by_body = create_idea(
        title="Mehr Ampeln in Emsdetten",
        body="An den Kreuzungen am Markt fehlen Ampeln für Fußgänger.",
    )
    create_idea(title="Ein Jugendzentrum für Ochtrup", body="Ein Treffpunkt für die Jugend.")

    assert similar_ideas("Sicher über die Straße", "Kreuzungen brauchen Ampeln.") == [by_body]
    assert similar_ideas("Sicher über die Straße", "") == []


def test_only_public_ideas_and_only_a_few(app):
    for number in range(7):
        create_idea(title=f"Radwege im Ortsteil {number}")
    create_idea(title="Radwege zur Schule, noch nicht geprüft", state="pending")
    create_idea(title="Radwege zur Schule, abgelehnt", state="rejected")

    found = similar_ideas(TITLE, BODY)

    assert len(found) == 5
    assert all(idea.state == "published" for idea in found)


def test_preview_lists_similar_ideas_in_order_of_similarity(browser):
    closest, related, distant = three_ideas()
    browser.login(create_user().email)

    preview = browser.submit(
        "/ideas/new",
        {
            "title": TITLE,
            "body": BODY,
            "field": str(get_field("mobilitaet").id),
            "municipality": str(get_municipality("rheine").id),
        },
    )

    box = main_of(preview).split('class="similar"', 1)[1].split("</div>", 1)[0]
    assert linked_ids(box) == [closest.id, related.id, distant.id]


def test_live_hint_uses_title_and_description(client):
    closest, related, distant = three_ideas()

    response = client.get("/ideas/similar", query_string={"title": TITLE, "body": BODY})

    assert response.status_code == 200
    assert linked_ids(html_of(response)) == [closest.id, related.id, distant.id]
    only_title = html_of(client.get("/ideas/similar", query_string={"title": "Mensa Greven"}))
    assert linked_ids(only_title) == [distant.id]
