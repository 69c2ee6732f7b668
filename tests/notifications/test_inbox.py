"""The inbox: the number in the header, reading one entry or all, the unread filter,
pages, and nobody else's entries."""

from participation.extensions import db
from participation.ideas import services as ideas
from tests.factories import create_idea, create_user
from tests.helpers import csrf_token_from, html_of, main_of
from tests.notifications.helpers import (
    INBOX,
    PREFERENCES,
    inbox_entry,
    notifications_of,
    settings_row,
    unread_badge,
)


def comments_on_an_idea_of(author, number: int, title: str = "Trinkbrunnen am Markt") -> list:
    """`number` people comment on an idea of `author`: one notification each, oldest first."""
    idea = create_idea(author, title=title)
    for n in range(1, number + 1):
        ideas.add_comment(create_user(display_name=f"Person Nr. {n}"), idea, f"Kommentar Nr. {n}")
        db.session.commit()
    found = notifications_of(author)
    assert len(found) == number
    return found


def read_flags(user) -> list[bool]:
    return [n.read_at is not None for n in notifications_of(user)]


def post_from_inbox(browser, url: str):
    token = csrf_token_from(html_of(browser.get(INBOX)))
    return browser.client.post(url, data={"csrf_token": token})


def test_the_header_counts_unread_entries_down_to_none(as_user):
    author = create_user()
    first, second, third = comments_on_an_idea_of(author, 3)
    browser = as_user(author)
    page = html_of(browser.get("/"))
    assert unread_badge(page) == 3
    assert 'href="/benachrichtigungen"' in page

    opened = browser.get(f"{INBOX}/{first.id}")

    assert opened.status_code == 302
    assert opened.headers["Location"].startswith(f"/ideas/{first.event.idea_id}#kommentar-")
    assert read_flags(author) == [True, False, False]
    inbox = html_of(browser.get(INBOX))
    assert unread_badge(inbox) == 2
    assert "Neu</span>" not in inbox_entry(inbox, first)
    assert "Neu</span>" in inbox_entry(inbox, second)

    marked = post_from_inbox(browser, f"{INBOX}/{second.id}/gelesen")

    assert marked.status_code == 302
    assert marked.headers["Location"] == f"{INBOX}#n-{second.id}"
    assert read_flags(author) == [True, True, False]
    inbox = html_of(browser.get(INBOX))
    assert unread_badge(inbox) == 1
    assert "Als gelesen markieren" not in inbox_entry(inbox, second)
    assert "Als gelesen markieren" in inbox_entry(inbox, third)

    everything = post_from_inbox(browser, f"{INBOX}/alle-gelesen")

    assert everything.headers["Location"] == INBOX
    assert read_flags(author) == [True, True, True]
    inbox = html_of(browser.get(INBOX))
    assert "Alle Benachrichtigungen sind als gelesen markiert." in inbox
    assert unread_badge(inbox) == 0 and "count-badge" not in inbox
    assert "Alle als gelesen markieren" not in main_of(browser.get(INBOX))


def test_opening_an_entry_again_keeps_the_time_it_was_first_read(as_user):
    author = create_user()
    [notification] = comments_on_an_idea_of(author, 1)
    browser = as_user(author)
    browser.get(f"{INBOX}/{notification.id}")
    [first_read] = [n.read_at for n in notifications_of(author)]

    again = browser.get(f"{INBOX}/{notification.id}")

    assert again.status_code == 302
    assert [n.read_at for n in notifications_of(author)] == [first_read]


def test_the_unread_filter_shows_only_unread_entries(as_user):
    author = create_user()
    read, unread = comments_on_an_idea_of(author, 2)
    browser = as_user(author)
    browser.get(f"{INBOX}/{read.id}")

    page = main_of(browser.get(f"{INBOX}?ungelesen=1"))

    assert f'id="n-{unread.id}"' in page and f'id="n-{read.id}"' not in page
    assert 'href="/benachrichtigungen">Alle anzeigen</a>' in page
    everything = main_of(browser.get(INBOX))
    assert f'id="n-{unread.id}"' in everything and f'id="n-{read.id}"' in everything
    assert 'href="/benachrichtigungen?ungelesen=1">Nur ungelesene anzeigen</a>' in everything

    post_from_inbox(browser, f"{INBOX}/alle-gelesen")

    assert "Keine ungelesenen Benachrichtigungen." in main_of(browser.get(f"{INBOX}?ungelesen=1"))


def test_more_than_twenty_entries_are_shown_on_pages_newest_first(as_user):
    author = create_user()
    entries = comments_on_an_idea_of(author, 23)
    browser = as_user(author)

    first = main_of(browser.get(INBOX))

    shown = [n for n in entries if f'id="n-{n.id}"' in first]
    assert shown == entries[3:]
    assert first.index(f'id="n-{entries[-1].id}"') < first.index(f'id="n-{entries[3].id}"')
    assert "Seite 1 von 2" in first
    assert 'rel="next" href="/benachrichtigungen?seite=2"' in first
    assert 'rel="prev"' not in first

    second = main_of(browser.get(f"{INBOX}?seite=2"))

    assert [n for n in entries if f'id="n-{n.id}"' in second] == entries[:3]
    assert "Seite 2 von 2" in second and 'rel="prev" href="/benachrichtigungen?seite=1"' in second
    assert unread_badge(html_of(browser.get(INBOX))) == 23, "looking at a page reads nothing"
    assert not any(read_flags(author))


def test_another_persons_entry_is_not_found_and_stays_unread(as_user):
    owner = create_user()
    [theirs] = comments_on_an_idea_of(owner, 1)
    intruder = as_user(create_user())

    assert intruder.get(f"{INBOX}/{theirs.id}").status_code == 404
    assert post_from_inbox(intruder, f"{INBOX}/{theirs.id}/gelesen").status_code == 404
    assert post_from_inbox(intruder, f"{INBOX}/{theirs.id + 1000}/gelesen").status_code == 404
    post_from_inbox(intruder, f"{INBOX}/alle-gelesen")

    assert read_flags(owner) == [False]
    assert unread_badge(html_of(as_user(owner).get(INBOX))) == 1


def test_signed_out_people_are_sent_to_the_login(client):
    author = create_user()
    [notification] = comments_on_an_idea_of(author, 1)

    for path in (INBOX, f"{INBOX}/{notification.id}", PREFERENCES):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"], path
    assert read_flags(author) == [False]
    assert "Benachrichtigungen" not in html_of(client.get("/")).split("<main", 1)[0]


def test_posts_without_csrf_token_are_refused(as_user):
    author = create_user()
    [notification] = comments_on_an_idea_of(author, 1)
    browser = as_user(author)

    for path in (f"{INBOX}/{notification.id}/gelesen", f"{INBOX}/alle-gelesen"):
        assert browser.client.post(path).status_code == 400, path
    refused = browser.client.post(PREFERENCES, data={"replies": "inbox"})
    assert refused.status_code == 400

    assert read_flags(author) == [False]
    assert settings_row(author) is None
    assert unread_badge(html_of(browser.get(INBOX))) == 1
