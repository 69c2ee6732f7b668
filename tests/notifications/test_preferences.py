"""The preferences: one group of choices per category; what is saved is what happens."""

import re

from participation.extensions import db
from participation.ideas import services as ideas
from tests.factories import create_comment, create_idea, create_user
from tests.helpers import field_error, html_of, main_of
from tests.notifications.helpers import (
    PREFERENCES,
    heard,
    mails_to,
    notifications_of,
    settings_row,
    write_comment,
)

PERSONAL = ("decisions", "replies", "my_ideas", "followed", "projects")
DEFAULTS = {
    "decisions": "immediate",
    "replies": "immediate",
    "my_ideas": "daily",
    "followed": "daily",
    "projects": "weekly",
}


def group(html: str, category: str) -> str:
    """The <fieldset> with the choices for one category."""
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", html, re.S):
        if f'name="{category}"' in fieldset:
            return fieldset
    raise AssertionError(f"no choices for {category!r} on the page")


def choices(html: str, category: str) -> list[str]:
    return re.findall(r'<input[^>]*value="(\w+)"', group(html, category))


def chosen(html: str, category: str) -> str | None:
    ticked = [tag for tag in re.findall(r"<input[^>]*>", group(html, category)) if "checked" in tag]
    return re.search(r'value="(\w+)"', ticked[0]).group(1) if ticked else None


def save(browser, **changes):
    return browser.submit(PREFERENCES, {**DEFAULTS, **changes})


def test_each_category_has_its_group_with_the_defaults_ticked(as_user):
    page = main_of(as_user(create_user()).get(PREFERENCES))

    assert "<h1>Benachrichtigungen einstellen</h1>" in page
    assert page.count("<fieldset") == 5
    for category in PERSONAL:
        assert choices(page, category) == ["immediate", "daily", "weekly", "inbox"]
        assert chosen(page, category) == DEFAULTS[category], category
    assert "<legend>Antworten auf meine Kommentare</legend>" in group(page, "replies")
    assert "Nur im Postfach auf der Website" in group(page, "replies")
    assert 'name="staff"' not in page, "only moderators have work waiting"
    assert "höchstens 10 solcher E-Mails am Tag" in page
    assert "die wöchentliche jeden Montag." in page


def test_the_page_names_the_configured_weekday_and_ceiling(app, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATION_WEEKLY_WEEKDAY", 4)
    monkeypatch.setitem(app.config, "NOTIFICATION_MAILS_PER_DAY", 3)

    page = main_of(as_user(create_user()).get(PREFERENCES))

    assert "die wöchentliche jeden Freitag." in page
    assert "höchstens 3 solcher E-Mails am Tag" in page


def test_moderators_also_choose_how_they_hear_of_waiting_work(as_user):
    page = main_of(as_user(create_user(roles=("moderator:rheine",))).get(PREFERENCES))

    assert page.count("<fieldset") == 6
    assert "<legend>Was in meinem Bereich auf Bearbeitung wartet</legend>" in group(page, "staff")
    assert choices(page, "staff") == ["daily", "inbox"]
    assert chosen(page, "staff") == "daily"


def test_saving_stores_the_channels_and_shows_them_ticked(as_user):
    person = create_user()
    browser = as_user(person)
    assert settings_row(person) is None, "a look stores nothing"

    response = save(browser, replies="inbox", my_ideas="immediate", projects="daily")

    assert response.status_code == 302 and response.headers["Location"] == PREFERENCES
    row = settings_row(person)
    assert (row.decisions, row.replies, row.my_ideas, row.followed, row.projects) == (
        "immediate",
        "inbox",
        "immediate",
        "daily",
        "daily",
    )
    page = html_of(browser.get(PREFERENCES))
    assert "Ihre Einstellungen sind gespeichert." in page
    assert [chosen(page, c) for c in PERSONAL] == [
        "immediate",
        "inbox",
        "immediate",
        "daily",
        "daily",
    ]


def test_replies_in_the_inbox_only_are_no_longer_mailed(as_user):
    person = create_user()
    idea = create_idea()
    question = create_comment(idea, person, body="Wann geht es los?")
    save(as_user(person), replies="inbox")

    write_comment(as_user(create_user()), idea, "Im Frühjahr.", parent=question)

    assert heard(person) == [("replies", "answered")]
    assert notifications_of(person)[0].mailed_at is None
    assert mails_to(person) == []


def test_comments_on_my_ideas_at_once_are_mailed_at_once(as_user):
    author = create_user()
    idea = create_idea(author, title="Mitfahrbank am Markt")
    save(as_user(author), my_ideas="immediate")

    write_comment(as_user(create_user(display_name="Ben Bürger")), idea, "Gute Idee!")

    [notification] = notifications_of(author)
    assert notification.mailed_at is not None
    [mail] = mails_to(author)
    assert mail.subject == "Neuer Kommentar zu Ihrer Idee: Mitfahrbank am Markt"
    assert "Ben Bürger hat Ihre Idee „Mitfahrbank am Markt“ kommentiert." in mail.body


def test_a_forged_channel_is_refused_in_german_and_nothing_is_stored(as_user):
    person = create_user()
    browser = as_user(person)

    response = save(browser, replies="hourly", my_ideas="immediate")

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "replies") == "Keine gültige Auswahl."
    assert "Bitte prüfen Sie Ihre Eingaben" in html
    assert field_error(html, "my_ideas") is None
    assert settings_row(person) is None


def test_a_moderator_cannot_have_waiting_work_mailed_at_once(as_user):
    moderator = create_user(roles=("moderator:rheine",))
    browser = as_user(moderator)

    response = save(browser, staff="immediate")

    assert response.status_code == 200
    assert field_error(html_of(response), "staff") == "Keine gültige Auswahl."
    assert settings_row(moderator) is None
    save(browser, staff="inbox")
    assert settings_row(moderator).staff == "inbox"


def test_a_resident_cannot_set_the_staff_channel(as_user):
    person = create_user()

    response = save(as_user(person), staff="immediate", replies="inbox")

    assert response.status_code == 302
    row = settings_row(person)
    assert (row.replies, row.staff) == ("inbox", "daily")


def test_news_of_followed_ideas_at_once_are_mailed_at_once(as_user):
    person = create_user()
    idea = create_idea()
    ideas.follow_idea(person, idea)
    db.session.commit()
    save(as_user(person), followed="immediate")

    write_comment(as_user(create_user()), idea, "Das unterstütze ich.")

    assert heard(person) == [("followed", "follower")]
    [mail] = mails_to(person)
    assert mail.subject.startswith("Neuer Kommentar zu: ")
