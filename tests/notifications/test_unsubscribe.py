"""The one link that stops mail: one click from the mail program, a question for people,
nothing for forged links; the links of older mails say they no longer work."""

from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from participation.extensions import db
from participation.notifications.tokens import stop_token
from participation.timeutil import utcnow
from tests.factories import create_idea, create_user
from tests.helpers import main_of
from tests.moderation.helpers import post
from tests.notifications.helpers import heard, mails_to, notifications_of, settings_row

STOP = "/benachrichtigungen/abbestellen/"
ONE_CLICK = {
    "data": "List-Unsubscribe=One-Click",
    "content_type": "application/x-www-form-urlencoded",
}


def reject(moderator, author, title: str):
    idea = create_idea(author, state="pending", title=title)
    url = f"/moderation/ideas/{idea.id}/reject"
    response = post(moderator, url, {"template": "0", "reason": "Bitte genauer."}, page=url)
    assert response.status_code == 302
    return idea


def channels(user) -> dict[str, str] | None:
    row = settings_row(user)
    if row is None:
        return None
    names = ("decisions", "replies", "my_ideas", "followed", "projects", "staff")
    return {name: getattr(row, name) for name in names}


def test_one_click_from_the_mail_program_stops_that_category(as_user, new_browser):
    author = create_user()
    moderator = as_user(create_user(roles=("moderator:rheine",)))
    reject(moderator, author, "Parkhaus am Bahnhof")
    [mail] = mails_to(author)
    path = urlsplit(mail.unsubscribe_url).path
    assert path.startswith(STOP)

    # The mail program posts without a session and without a form's token (RFC 8058).
    response = new_browser().client.post(path, **ONE_CLICK)

    assert response.status_code == 200
    assert "E-Mails abbestellt" in main_of(response)
    assert "Entscheidungen zu meinen Beiträgen" in main_of(response)
    assert channels(author)["decisions"] == "inbox"
    assert channels(author)["replies"] == "immediate", "only what the link names"

    reject(moderator, author, "Seilbahn über die Ems")

    assert heard(author) == [("decisions", "author")] * 2, "the inbox still has the news"
    assert notifications_of(author)[-1].mailed_at is None
    assert len(mails_to(author)) == 1


def test_opening_the_link_only_asks(as_user, new_browser):
    author = create_user()
    reject(as_user(create_user(roles=("moderator:rheine",))), author, "Parkhaus am Bahnhof")
    [mail] = mails_to(author)
    browser = new_browser()

    response = browser.get(urlsplit(mail.unsubscribe_url).path)

    assert response.status_code == 200
    page = main_of(response)
    assert "Möchten Sie diese E-Mails abbestellen" in page
    assert "Entscheidungen zu meinen Beiträgen" in page
    assert ">Abbestellen</button>" in page
    assert channels(author) is None or channels(author)["decisions"] == "immediate"

    pressed = browser.submit(urlsplit(mail.unsubscribe_url).path, {})

    assert pressed.status_code == 200 and "E-Mails abbestellt" in main_of(pressed)
    assert channels(author)["decisions"] == "inbox"


def test_the_summary_link_stops_the_daily_and_weekly_categories(client):
    person = create_user()
    token = stop_token(person.id, "summary")

    response = client.post(f"{STOP}{token}", **ONE_CLICK)

    assert response.status_code == 200
    assert "die täglichen und wöchentlichen Zusammenfassungen" in main_of(response)
    assert channels(person) == {
        "decisions": "immediate",
        "replies": "immediate",
        "my_ideas": "inbox",
        "followed": "inbox",
        "projects": "inbox",
        "staff": "inbox",
    }


def test_the_link_for_everything_stops_every_mail_of_news(client):
    person = create_user()

    response = client.post(f"{STOP}{stop_token(person.id, 'all')}", **ONE_CLICK)

    assert response.status_code == 200
    assert set(channels(person).values()) == {"inbox"}


def forged_tokens(person) -> dict[str, str]:
    own_serializer = URLSafeSerializer("test-only-not-secret", salt="notification-mails")
    return {
        "unsigned": "bm90LWEtdG9rZW4",
        "plain id": str(person.id),
        "other key": URLSafeSerializer("ein anderer Schlüssel", salt="notification-mails").dumps(
            [person.id, "decisions"]
        ),
        "other purpose": URLSafeSerializer("test-only-not-secret", salt="unfollow").dumps(
            [person.id, "decisions"]
        ),
        "unknown scope": own_serializer.dumps([person.id, "passwords"]),
        "no such person": stop_token(person.id + 1000, "decisions"),
    }


@pytest.mark.parametrize(
    "kind",
    ["unsigned", "plain id", "other key", "other purpose", "unknown scope", "no such person"],
)
def test_a_forged_link_finds_nothing_and_changes_nothing(client, kind):
    person = create_user()
    token = forged_tokens(person)[kind]

    assert client.get(f"{STOP}{token}").status_code == 404
    assert client.post(f"{STOP}{token}", **ONE_CLICK).status_code == 404
    assert settings_row(person) is None


def test_the_link_of_a_deleted_account_finds_nothing(client):
    person = create_user()
    token = stop_token(person.id, "decisions")
    person.deleted_at = utcnow()
    db.session.commit()

    assert client.post(f"{STOP}{token}", **ONE_CLICK).status_code == 404
    assert settings_row(person) is None


@pytest.mark.parametrize("path", ["/unfollow/", "/mitteilungen/abbestellen/"])
def test_links_of_older_mails_say_they_no_longer_work(client, path):
    person = create_user()

    for response in (
        client.get(f"{path}{person.id}.abc"),
        client.post(f"{path}{person.id}.abc", **ONE_CLICK),
    ):
        assert response.status_code == 410
        page = main_of(response)
        assert "Dieser Link gilt nicht mehr" in page
        assert 'href="/benachrichtigungen/einstellungen"' in page
    assert settings_row(person) is None


def test_a_mail_providers_one_clicks_from_one_address_have_their_own_limit(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "SUPPORT_RATE_LIMIT_PER_ADDRESS", "2 per minute")
    monkeypatch.setitem(app.config, "STOP_MAIL_RATE_LIMIT_PER_ADDRESS", "6 per minute")
    people = [create_user() for _ in range(7)]
    tokens = [stop_token(person.id, "followed") for person in people]

    answers = [client.post(f"{STOP}{token}", **ONE_CLICK).status_code for token in tokens]

    assert answers == [200] * 6 + [429], "not supporting's small limit: its own"
    assert [channels(person) and channels(person)["followed"] for person in people] == [
        "inbox"
    ] * 6 + [None]
