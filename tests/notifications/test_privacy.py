"""A person's notifications in the data export, and gone with the account."""

import json

from sqlalchemy import func, select

from participation.extensions import db
from participation.ideas import services as ideas
from participation.notifications.models import Notification, NotificationSettings
from tests.factories import PASSWORD, count_rows, create_idea, create_user
from tests.helpers import e, main_of
from tests.notifications.helpers import INBOX, PREFERENCES, notifications_of


def person_with_news(as_user):
    """Anna chose her channels and has two entries, one of them read."""
    anna = create_user(display_name="Anna Autorin")
    idea = create_idea(anna, title="Trinkbrunnen am Markt")
    for name in ("Ben Bürger", "Clara Frage"):
        ideas.add_comment(create_user(display_name=name), idea, f"Kommentar von {name}")
        db.session.commit()
    browser = as_user(anna)
    browser.submit(PREFERENCES, {"replies": "inbox", "projects": "daily"})
    first, _second = notifications_of(anna)
    browser.get(f"{INBOX}/{first.id}")
    return anna, browser


def export(browser, fmt: str):
    response = browser.submit("/account/export", {"password": PASSWORD, "format": fmt})
    assert response.status_code == 200
    return response


def test_the_export_lists_the_channels_and_every_inbox_entry(as_user):
    anna, browser = person_with_news(as_user)
    stored = notifications_of(anna)

    data = json.loads(export(browser, "json").get_data(as_text=True))

    assert data["notifications"]["channels"] == {
        "decisions": "immediate",
        "replies": "inbox",
        "my_ideas": "daily",
        "followed": "daily",
        "projects": "daily",
        "staff": "daily",
    }
    entries = data["notifications"]["entries"]
    assert [entry["text"] for entry in entries] == [
        "Ben Bürger hat Ihre Idee „Trinkbrunnen am Markt“ kommentiert.",
        "Clara Frage hat Ihre Idee „Trinkbrunnen am Markt“ kommentiert.",
    ]
    assert [entry["read_at"] is not None for entry in entries] == [True, False]
    assert [entry["mailed_at"] for entry in entries] == [None, None]
    assert entries[0]["created_at"].startswith(stored[0].created_at.date().isoformat())

    page = main_of(export(browser, "html"))
    section = page.split('id="notifications-title"', 1)[1].split("</section>", 1)[0]
    assert "Benachrichtigungen (2)" in section
    assert "<dt>Antworten auf meine Kommentare</dt><dd>Nur im Postfach auf der Website</dd>" in (
        section
    )
    assert e("Clara Frage hat Ihre Idee „Trinkbrunnen am Markt“ kommentiert.") in section
    assert "(gelesen)" in section


def test_the_export_holds_no_one_elses_notifications(as_user):
    _anna, browser = person_with_news(as_user)
    other = create_user()
    ideas.add_comment(create_user(), create_idea(other, title="Fremde Idee am Bahnhof"), "Hallo")
    db.session.commit()
    assert len(notifications_of(other)) == 1

    data = json.loads(export(browser, "json").get_data(as_text=True))

    assert len(data["notifications"]["entries"]) == 2
    assert "Fremde Idee" not in json.dumps(data, ensure_ascii=False)


def test_deleting_the_account_removes_its_notifications_and_settings(as_user):
    anna, browser = person_with_news(as_user)
    other = create_user()
    ideas.add_comment(create_user(), create_idea(other), "Bleibt bei der anderen Person")
    db.session.commit()
    assert db.session.get(NotificationSettings, anna.id) is not None

    response = browser.submit("/account/delete", {"password": PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/account/deleted"
    db.session.expire_all()
    query = select(func.count()).where(Notification.user_id == anna.id)
    assert db.session.scalar(query) == 0
    assert db.session.get(NotificationSettings, anna.id) is None
    assert len(notifications_of(other)) == 1, "other people's inboxes stay"
    assert count_rows(Notification) == 1
