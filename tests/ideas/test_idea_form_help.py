"""The idea form on a phone: the home town chosen already, plain words about formatting,
and a list typed right under a line of text shown as a list, in the preview and after."""

import re

from tests.factories import create_idea, create_user, get_field, get_municipality
from tests.helpers import main_of
from tests.ideas.test_submit import the_idea

LIST_TEXT = "Was fehlt am Bahnhof:\n- eine überdachte Bank\n- ein Fahrradständer"
LIST_HTML = "<ul>\n<li>eine überdachte Bank</li>\n<li>ein Fahrradständer</li>\n</ul>"


def selected_municipality(html: str) -> str | None:
    select = html.split('id="municipality"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option selected value="[^"]*">([^<]*)</option>', select)
    return match.group(1) if match else None


def test_the_form_starts_with_the_home_town_from_the_profile(browser):
    browser.login(create_user(municipality="ochtrup").email)

    page = main_of(browser.get("/ideas/new"))

    assert selected_municipality(page) == "Ochtrup"


def test_without_a_home_town_the_person_chooses(browser):
    browser.login(create_user().email)

    assert selected_municipality(main_of(browser.get("/ideas/new"))) is None


def test_editing_keeps_the_ideas_own_town_not_the_home_town(browser):
    author = create_user(municipality="ochtrup")
    idea = create_idea(author, state="pending", municipality="greven")
    browser.login(author.email)

    assert selected_municipality(main_of(browser.get(f"/ideas/{idea.id}/edit"))) == "Greven"


def test_the_hint_speaks_plain_german_with_optional_help(browser):
    browser.login(create_user().email)

    page = main_of(browser.get("/ideas/new"))

    hint = page.split('id="body-hint">', 1)[1].split("</p>", 1)[0]
    assert "Schreiben Sie einfach los" in hint
    assert "*" not in hint and "„- “" not in hint, "no Markdown jargon in the hint"
    help_box = page.split('<details class="format-help">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Hilfe zur Formatierung</summary>" in help_box
    for topic in ("Aufzählung", "Fett", "Link"):
        assert f"<dt>{topic}</dt>" in help_box


def test_a_list_right_under_a_line_is_a_list_in_the_preview_and_on_the_idea_page(browser):
    browser.login(create_user().email)
    form = {
        "title": "Mehr Komfort am Bahnhof Rheine",
        "body": LIST_TEXT.replace("\n", "\r\n"),  # as browsers send a textarea
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
    }

    preview = main_of(browser.submit("/ideas/new", form))
    assert "<p>Was fehlt am Bahnhof:</p>\n" + LIST_HTML in preview

    browser.submit("/ideas/new", {**form, "confirmed": "1"})
    idea = the_idea()
    assert idea.body.replace("\r\n", "\n") == LIST_TEXT, "the text is stored as typed"
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "<p>Was fehlt am Bahnhof:</p>\n" + LIST_HTML in page
