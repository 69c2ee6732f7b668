"""German full-text search on /ideas: the same words find the same ideas on SQLite and
PostgreSQL (Snowball German stems on both), every way an idea's words change reaches the
index, hostile searches never fail, and a search counts its matches only up to 1.000."""

import re

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select, text, update

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas import erasure, search
from participation.ideas.listing import SEARCH_COUNT_CAP, similar_ideas
from participation.ideas.models import Idea
from participation.moderation import decisions
from participation.timeutil import utcnow
from tests.factories import create_idea, create_user, get_field, get_municipality
from tests.helpers import html_of, idea_ids_in


def found(client, query: str, **params) -> set[int]:
    response = client.get("/ideas", query_string={"q": query, **params})
    assert response.status_code == 200, query
    return set(idea_ids_in(html_of(response)))


def result_count(client, query: str, **params) -> str:
    html = html_of(client.get("/ideas", query_string={"q": query, **params}))
    return " ".join(re.search(r'class="result-count"[^>]*>(.*?)·', html, re.S)[1].split())


# What Snowball German (PostgreSQL's `german_stem`, Snowball 2) makes of these words: the
# umlaut loses its dots, ß becomes ss, inflections go; "weg" is a stop word, "wege" is not.
STEMS = {
    "Radweg": "radweg",
    "Radwege": "radweg",
    "Radwegen": "radweg",
    "Bäume": "baum",
    "Bäumen": "baum",
    "Häuser": "haus",
    "Straße": "strass",
    "Strasse": "strass",
    "Fußgänger": "fussgang",
    "Fussgaenger": "fussgaeng",
    "Spielplätze": "spielplatz",
    "grüne": "grun",
    "gruene": "gruen",
    "Bürgerbus": "burgerbus",
    "Bürgerbusse": "burgerbuss",
    "öffentlichen": "offent",
    "Wege": "weg",
}


def test_the_stemmer_is_the_one_postgresql_uses():
    assert {word: search.stem(word.lower()) for word in STEMS} == STEMS
    if db.engine.dialect.name == "postgresql":
        lexize = text("SELECT (ts_lexize('german_stem', :word))[1]")
        for word, stem in STEMS.items():
            assert db.session.scalar(lexize, {"word": word.lower()}) == stem, word


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ("Radweg", {"radwege", "radwegen"}),
        ("Radwegen", {"radwege", "radwegen"}),
        ("Bäume", {"baum", "baeume"}),
        ("Baum", {"baum", "baeume"}),
        ("baeume", set()),  # ae is not ä to the stemmer: as on PostgreSQL
        ("Straße", {"strasse", "strassen"}),
        ("STRASSE", {"strasse", "strassen"}),
        ("Fussgänger", {"strasse"}),
        ("Spielplatz", {"spielplaetze"}),
        ("grün", {"baum"}),
        ("Bürgerbus", {"buergerbus", "buergerbusse"}),  # every search word is a prefix too
        ("Bürgerbusse", {"buergerbusse"}),  # "burgerbuss" is longer than "burgerbus"
        ("Rad", {"radwege", "radwegen"}),  # compounds: "Rad" finds "Radweg"
        ("Radwege Greven", {"radwegen"}),  # all words, in title or description
        ("Radwege Schwimmbad", set()),
        ("der Radweg an der Ems", {"radwege"}),  # stop words are left out of the search
        ("Weg", set()),  # a stop word of PostgreSQL's: left out, nothing left to search
    ],
)
def test_word_forms_find_each_other_on_both_databases(client, query, finds):
    ideas = {
        "radwege": create_idea(title="Sichere Radwege an der Ems", body="Für Kinder in Rheine."),
        "radwegen": create_idea(title="Tempo 30", body="Mit breiten Radwegen nach Greven."),
        "baum": create_idea(title="Mehr grüne Bäume am Markt", body="Schatten im Sommer."),
        "baeume": create_idea(title="Ein Baum für jedes Kind", body="Gepflanzt von Schulen."),
        "strasse": create_idea(title="Sichere Straße", body="Ampeln für Fußgänger."),
        "strassen": create_idea(title="Strassen ohne Schlaglöcher", body="Reparieren, bitte."),
        "spielplaetze": create_idea(title="Neue Spielplätze", body="In jedem Ortsteil."),
        "buergerbus": create_idea(title="Ein Bürgerbus für Metelen", body="Auch sonntags."),
        "buergerbusse": create_idea(title="Bürgerbusse vernetzen", body="Mit einem Fahrplan."),
    }
    assert found(client, query) == {ideas[key].id for key in finds}


def test_an_edited_idea_is_found_by_its_new_words_only(client):
    idea = create_idea(title="Ein Trinkwasserbrunnen am Bahnhof", body="Für heiße Tage.")
    moderator = create_user(roles=("moderator",))
    assert found(client, "Trinkwasserbrunnen") == {idea.id}

    decisions.correct_idea(moderator, idea, "Eine Sitzbank am Bahnhof", "Zum Ausruhen.", "Titel")
    db.session.commit()

    assert found(client, "Trinkwasserbrunnen") == set()
    assert found(client, "heiße") == set()
    assert found(client, "Sitzbänke") == {idea.id}
    assert found(client, "ausruhen") == {idea.id}


def test_hidden_withdrawn_and_erased_ideas_are_not_found(client):
    moderator = create_user(roles=("moderator",))
    shown = create_idea(title="Blühwiese am Rathaus")
    hidden = create_idea(title="Blühwiese am Friedhof")
    erased = create_idea(title="Blühwiese am Bahnhof")
    create_idea(title="Blühwiese im Park", state="withdrawn")
    create_idea(title="Blühwiese am Hafen", state="pending")
    assert found(client, "Blühwiesen") == {shown.id, hidden.id, erased.id}

    decisions.hide_idea(moderator, hidden, "Werbung")
    erasure.erase_idea(db.session.get(User, erased.author_id), erased)
    db.session.commit()
    assert found(client, "Blühwiesen") == {shown.id}
    assert found(client, "Bahnhof") == set(), "an erased idea's words are gone from the index"

    decisions.restore_idea(moderator, hidden)
    db.session.commit()
    assert found(client, "Blühwiesen") == {shown.id, hidden.id}


HOSTILE = [
    '"',
    '"Radweg',
    'Radweg" OR "x',
    "'; DROP TABLE ideas_fts; --",
    "NEAR(Radweg Ems, 2)",
    "Radweg NEAR Ems",
    "*",
    "Rad*",
    "^Radweg",
    "title:Radweg",
    "{title body}: Radweg",
    "ideas_fts:Radweg",
    "- Radweg",
    "Radweg AND NOT OR",
    "Rad:* & !x | (y <-> z)",
    "Radweg\\",
    "((((",
    "\u0001\u001f\u007f",
    "Radweg\u200b\ufeff",
    "ẞ ǅ ﬁ Ⅷ ²³ ٣",
    "🚲" * 200,
    "Radweg " * 1500,
    "x" * 10_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_searches_answer_and_change_nothing(client, query):
    idea = create_idea(title="Sichere Radwege an der Ems")

    response = client.get("/ideas", query_string={"q": query})

    assert response.status_code == 200
    assert set(idea_ids_in(html_of(response))) <= {idea.id}
    similar = client.get("/ideas/similar", query_string={"title": query, "body": query})
    assert similar.status_code == 200
    assert found(client, "Radweg") == {idea.id}, "the index is still there"


def test_a_nul_in_the_search_is_refused_before_it_reaches_the_database(client):
    assert client.get("/ideas?q=Rad%00weg").status_code == 400


def many_ideas(count: int, title: str) -> None:
    """Ideas written in one INSERT, as the demo data and a restore write them: the
    database's own path into the index (triggers, a generated column), not the services."""
    author = create_user()
    now = utcnow()
    rows = [
        {
            "title": f"{title} {number}",
            "body": "Eine von vielen.",
            "field_id": get_field("mobilitaet").id,
            "municipality_id": get_municipality("rheine").id,
            "author_id": author.id,
            "state": "published",
            "created_at": now,
            "updated_at": now,
            "state_changed_at": now,
            "published_at": now,
        }
        for number in range(count)
    ]
    db.session.execute(insert(Idea), rows)
    db.session.commit()


def test_a_search_counts_no_further_than_a_thousand(client):
    many_ideas(SEARCH_COUNT_CAP + 1, "Blühstreifen")
    create_idea(title="Ein Blühstreifen am Feldrand", municipality="greven")

    assert result_count(client, "Blühstreifens") == "mehr als 1.000 Ideen gefunden"
    first = html_of(client.get("/ideas?q=Bl%C3%BChstreifen"))
    assert "Seite 1 von 50" in first and len(idea_ids_in(first)) == 20
    last = html_of(client.get("/ideas?q=Bl%C3%BChstreifen&page=50"))
    assert "Seite 50 von 50" in last and len(idea_ids_in(last)) == 20
    assert 'rel="next"' not in last
    beyond = html_of(client.get("/ideas?q=Bl%C3%BChstreifen&page=9999"))
    assert "Seite 50 von 50" in beyond, "beyond the counted pages: the last of them"
    assert idea_ids_in(beyond) == idea_ids_in(last)

    assert result_count(client, "Blühstreifen", municipality="greven") == "1 Idee gefunden"
    db.session.execute(update(Idea).where(Idea.title == "Blühstreifen 7").values(state="hidden"))
    db.session.commit()
    assert result_count(client, "Blühstreifen", municipality="rheine") == "1.000 Ideen gefunden"


def test_the_similar_ideas_hint_finds_word_forms_while_the_title_is_typed(client):
    trees = create_idea(title="Bäume für den Schulhof", body="Schatten in der Pause.")
    create_idea(title="Ein Jugendzentrum für Ochtrup", body="Ein Treffpunkt für die Jugend.")

    assert similar_ideas("Mehr Baum") == [trees]
    assert similar_ideas("Neue Schulh") == [trees], "the last word is half typed"
    hint = client.get("/ideas/similar", query_string={"title": "Schulhöfe begrünen"})
    assert f'href="/ideas/{trees.id}"' in html_of(hint)


def test_rebuilding_the_index_finds_every_idea_again(app):
    ideas = [create_idea(title=f"Mitfahrbank Nummer {n}") for n in range(5)]
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM ideas_fts"))  # an index gone astray
    steps = []

    indexed = search.rebuild_search_index(lambda done, total: steps.append((done, total)), 2)
    db.session.commit()

    found_ids = db.session.scalars(select(Idea.id).where(search.matching_condition("Mitfahrbänke")))
    assert set(found_ids) == {idea.id for idea in ideas}
    if db.engine.dialect.name == "sqlite":
        assert (indexed, steps) == (5, [(2, 5), (4, 5), (5, 5)])
    else:
        assert (indexed, steps) == (0, []), "PostgreSQL computes the column itself"


def test_the_migration_indexes_the_ideas_already_there(client):
    before_search = "e7a0c0de9c03"
    old = create_idea(title="Sichere Radwege an der Ems").id
    db.session.remove()
    try:
        downgrade(revision=before_search)
        newer = create_idea(title="Radwegen ohne Schlaglöcher").id
    finally:
        db.session.remove()
        upgrade()

    assert found(client, "Radweg") == {old, newer}
    db.session.get(Idea, newer).title = "Ohne Schlaglöcher"
    db.session.commit()
    assert found(client, "Radweg") == {old}, "the triggers are back"
