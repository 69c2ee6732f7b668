"""Finding ideas on /ideas: states, filters, sorting, German search, pagination, hostile input."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from participation.timeutil import utcnow
from tests.factories import add_supports, create_comment, create_idea, create_user
from tests.helpers import e, html_of, idea_ids_in, main_of


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"/ideas{query}")
    assert response.status_code == 200, query
    return idea_ids_in(html_of(response))


def days_ago(days: float):
    return utcnow() - timedelta(days=days)


def test_only_published_ideas_are_listed_with_their_card(client):
    author = create_user(display_name="Vera V.", kind="association", organisation_name="Radclub")
    published = create_idea(
        author, title="Fahrradstraßen in Rheine", body="Mehr **Platz** für Räder.", supports=2
    )
    create_comment(published)
    for state in ("pending", "rejected", "hidden", "withdrawn"):
        create_idea(title=f"Eine Idee im Zustand {state}", state=state)

    response = client.get("/ideas")

    assert listed(client) == [published.id]
    page = main_of(response)
    assert "Fahrradstraßen in Rheine" in page
    assert "Mehr Platz für Räder." in page, "the excerpt is plain text"
    assert "Mobilität" in page and "Rheine" in page
    assert "Vera V." in page and "Radclub" in page
    assert "2 Unterstützungen" in page and "1 Kommentar" in page
    assert "1 Idee" in page
    assert "Zustand" not in page


def test_filters_by_field_municipality_and_state(client):
    mobility_rheine = create_idea(field="mobilitaet", municipality="rheine")
    mobility_greven = create_idea(field="mobilitaet", municipality="greven")
    climate_rheine = create_idea(field="klimaschutz-nachhaltigkeit", municipality="rheine")
    create_idea(field="mobilitaet", municipality="rheine", state="pending")

    assert set(listed(client, "?field=mobilitaet")) == {mobility_rheine.id, mobility_greven.id}
    assert set(listed(client, "?municipality=rheine")) == {mobility_rheine.id, climate_rheine.id}
    assert listed(client, "?field=mobilitaet&municipality=greven") == [mobility_greven.id]
    assert len(listed(client, "?state=published")) == 3
    assert len(listed(client, "?state=pending")) == 3, "only public states can be chosen"
    assert listed(client, "?field=gibt-es-nicht") == []
    html = html_of(client.get("/ideas?field=mobilitaet&municipality=greven"))
    assert '<option value="mobilitaet" selected>' in html
    assert '<option value="greven" selected>' in html
    assert "1 Idee gefunden" in html
    assert 'href="/ideas">Filter zurücksetzen' in html


def test_sort_orders(client):
    old_popular = create_idea(title="Alt und beliebt", created_at=days_ago(60))
    add_supports(old_popular, 6, created_at=days_ago(30))
    new_hot = create_idea(title="Neu und gefragt", created_at=days_ago(5))
    add_supports(new_hot, 3, created_at=days_ago(2))
    discussed = create_idea(title="Viel diskutiert", created_at=days_ago(20))
    for _ in range(3):
        create_comment(discussed)
    newest = create_idea(title="Ganz neu", created_at=days_ago(1))

    assert listed(client) == [newest.id, new_hot.id, discussed.id, old_popular.id]
    assert listed(client, "?sort=newest") == [newest.id, new_hot.id, discussed.id, old_popular.id]
    assert listed(client, "?sort=supported")[:2] == [old_popular.id, new_hot.id]
    assert listed(client, "?sort=discussed")[0] == discussed.id
    assert listed(client, "?sort=trending")[:2] == [new_hot.id, old_popular.id], (
        "trending counts only the supports of the last 14 days"
    )
    html = html_of(client.get("/ideas?sort=trending&field=mobilitaet"))
    assert '<option value="trending" selected>' in html
    assert 'href="/ideas?field=mobilitaet&amp;sort=supported"' in html, "sort links keep filters"


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ("Radweg", {"plural", "singular"}),
        ("Radwege", {"plural", "singular"}),
        ("Radwegen", {"plural", "singular"}),
        ("radweg rheine", {"plural"}),
        ("Schulweg", {"body"}),
        ("Schwimmbad", set()),
    ],
)
def test_search_understands_german_word_forms(client, query, finds):
    ideas = {
        "plural": create_idea(title="Sichere Radwege in Rheine"),
        "singular": create_idea(title="Ein Radweg nach Greven"),
        "body": create_idea(
            title="Tempo 30", body="Vor jeder Grundschule, damit der Schulweg sicher ist."
        ),
    }
    create_idea(title="Radwege für Hörstel", state="pending")
    expected = {ideas[key].id for key in finds}
    assert set(listed(client, f"?q={quote(query)}")) == expected
    html = html_of(client.get(f"/ideas?q={quote(query)}"))
    assert f'value="{e(query)}"' in html


def test_search_combines_with_filters_and_sorting(client):
    rheine = create_idea(title="Radwege in Rheine", municipality="rheine", supports=1)
    greven = create_idea(title="Radwege in Greven", municipality="greven", supports=3)
    assert listed(client, "?q=Radwege&municipality=greven") == [greven.id]
    assert listed(client, "?q=Radwege&sort=supported") == [greven.id, rheine.id]


def test_pagination_twenty_per_page(client):
    start = utcnow()
    ideas = [
        create_idea(title=f"Idee {n:02d} zum Blättern", created_at=start - timedelta(minutes=n))
        for n in range(45)
    ]
    newest_first = [idea.id for idea in ideas]

    assert listed(client) == newest_first[:20]
    assert listed(client, "?page=2") == newest_first[20:40]
    assert listed(client, "?page=3") == newest_first[40:]
    assert listed(client, "?page=99") == newest_first[40:], "beyond the end: the last page"
    assert "Seite 3 von 3" in html_of(client.get("/ideas?page=99"))
    for junk in ("-3", "0", "abc", "1.5", "", "²"):  # a NUL is a 400: test_hostile_input
        assert listed(client, f"?page={junk}") == newest_first[:20], junk
    assert listed(client, "?page=" + "9" * 40) == newest_first[40:], "huge: the last page"
    html = html_of(client.get("/ideas?page=2&field=mobilitaet"))
    assert "45 Ideen" in html
    assert 'rel="prev" href="/ideas?field=mobilitaet"' in html
    assert 'rel="next" href="/ideas?field=mobilitaet&amp;page=3"' in html


HOSTILE = [
    {"sort": "id;drop table ideas"},
    {"sort": "support_count desc"},
    {"sort": "../../etc/passwd"},
    {"q": '" OR 1=1 --'},
    {"q": "'; DROP TABLE ideas; --"},
    {"q": "*"},
    {"q": "NEAR("},
    {"q": "NEAR(a b)"},
    {"q": "title:Radwege"},
    {"q": "a & b | !c"},
    {"q": "Rad:* & ('x')"},
    {"q": '"unbalanced'},
    {"q": "((()))"},
    {"q": "^Radweg"},
    {"q": "Rad-weg AND OR NOT"},
    {"q": "Straße Ökologie ÄÖÜ ß"},
    {"q": "日本語 العربية 🚲🚲"},
    {"q": "__ _ a_b x² ٣"},
    {"q": "der die das"},
    {"q": "x" * 5000},
    {"q": "\u0001\u007f"},  # a NUL is a 400: tests/test_hostile_input.py
    {"field": "' OR 1=1 --"},
    {"municipality": "rheine' --"},
    {"state": "pending"},
    {"state": "hidden' OR '1'='1"},
    {"page": "1; drop table ideas"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=[str(p) for p in HOSTILE])
def test_hostile_parameters_change_nothing_and_never_fail(client, params):
    published = create_idea(title="Sichere Radwege in Rheine")
    create_idea(title="Radwege für Hörstel", state="pending")

    response = client.get("/ideas", query_string=params)

    assert response.status_code == 200
    shown = idea_ids_in(html_of(response))
    assert shown in ([], [published.id])
    if "q" not in params and "field" not in params and "municipality" not in params:
        assert shown == [published.id]
    assert listed(client) == [published.id], "the ideas are still there"


def test_field_page_shows_its_newest_ideas(client):
    start = utcnow()
    mobility = [
        create_idea(field="mobilitaet", title=f"Mobil {n}", created_at=start - timedelta(hours=n))
        for n in range(8)
    ]
    create_idea(field="demografie", title="Treffpunkt für Jung und Alt")
    create_idea(field="mobilitaet", title="Noch nicht geprüft", state="pending")

    response = client.get("/fields/mobilitaet")

    assert response.status_code == 200
    page = main_of(response)
    assert idea_ids_in(page) == [idea.id for idea in mobility[:6]]
    assert "Treffpunkt für Jung und Alt" not in page
    assert "Noch nicht geprüft" not in page
    assert '<a href="/ideas?field=mobilitaet">Alle Ideen</a> (8)' in page
    empty = main_of(client.get("/fields/verwaltung"))
    assert idea_ids_in(empty) == []
    assert "noch keine veröffentlichten Ideen" in empty


def test_municipality_page_shows_its_newest_ideas(client):
    greven = create_idea(municipality="greven", title="Ein Bürgerbus für Greven")
    create_idea(municipality="rheine", title="Ein Bürgerbus für Rheine")
    create_idea(municipality="greven", title="Noch nicht geprüft", state="pending")

    page = main_of(client.get("/municipalities/greven"))

    assert idea_ids_in(page) == [greven.id]
    assert "Ein Bürgerbus für Rheine" not in page
    assert '<a href="/ideas?municipality=greven">Alle Ideen</a> (1)' in page
    assert "Für Altenberge gibt es noch keine" in main_of(client.get("/municipalities/altenberge"))
