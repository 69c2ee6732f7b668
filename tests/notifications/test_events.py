"""Each event reaches the right people once, for the right reason, in the right category;
the inbox says what happened and leads to the place."""

from sqlalchemy import select

from participation.extensions import db
from participation.projects.models import ProjectUpdate
from participation.timeutil import utcnow
from tests.factories import add_supports, create_idea, create_user, outbox
from tests.helpers import e, fresh, main_of
from tests.moderation.helpers import create_template, post
from tests.notifications.helpers import (
    INBOX,
    follow,
    heard,
    inbox_entry,
    mails_to,
    notifications_of,
    write_comment,
)
from tests.pipeline.test_planning import new_project


def opened(browser, notification):
    """Open an entry of the inbox: where it leads."""
    response = browser.get(f"{INBOX}/{notification.id}")
    assert response.status_code == 302
    return response.headers["Location"]


# --- Comments -------------------------------------------------------------------------


def test_a_comment_reaches_the_author_and_the_followers_but_not_the_commenter(as_user):
    author = create_user(display_name="Anna Autorin")
    idea = create_idea(author, title="Trinkbrunnen am Markt")
    follower, commenter = create_user(), create_user(display_name="Kurt Kommentar")
    follow(as_user(follower), idea)
    kurt = as_user(commenter)
    follow(kurt, idea)  # following does not make one hear of one's own comment

    comment = write_comment(kurt, idea, "Bitte auch mit Wasser für Hunde.")

    assert heard(author) == [("my_ideas", "author")]
    assert heard(follower) == [("followed", "follower")]
    assert heard(commenter) == []
    assert outbox() == [], "comments on ideas come in the daily summary by default"
    anna = as_user(author)
    [notification] = notifications_of(author)
    entry = inbox_entry(main_of(anna.get(INBOX)), notification)
    assert e("Kurt Kommentar hat Ihre Idee „Trinkbrunnen am Markt“ kommentiert.") in entry
    assert "Bitte auch mit Wasser für Hunde." in entry
    assert opened(anna, notification) == f"/ideas/{idea.id}#kommentar-{comment.id}"
    [for_follower] = notifications_of(follower)
    follower_page = main_of(as_user(follower).get(INBOX))
    assert e("Kurt Kommentar hat die Idee „Trinkbrunnen am Markt“ kommentiert.") in inbox_entry(
        follower_page, for_follower
    )
    assert "Noch keine Benachrichtigungen" in main_of(kurt.get(INBOX))


def test_the_author_answered_in_their_own_thread_hears_once_as_the_one_answered(as_user):
    author = create_user(display_name="Anna Autorin")
    idea = create_idea(author, title="Bänke am Emsufer")
    anna = as_user(author)
    question = write_comment(anna, idea, "Wo genau sollen die Bänke stehen?")
    assert heard(author) == [], "nobody hears of what they did themselves"
    ben = as_user(create_user(display_name="Ben Bürger"))

    reply = write_comment(ben, idea, "Am besten beim Anleger.", parent=question)

    [notification] = notifications_of(author)
    assert (notification.category, notification.reason) == ("replies", "answered")
    assert notification.mailed_at is not None
    [mail] = mails_to(author)
    assert mail.subject == "Antwort auf Ihren Kommentar: Bänke am Emsufer"
    assert "Ben Bürger hat auf Ihren Kommentar zur Idee „Bänke am Emsufer“ geantwortet." in (
        mail.body
    )
    assert "Am besten beim Anleger." in mail.body
    entry = inbox_entry(main_of(anna.get(INBOX)), notification)
    assert e("Ben Bürger hat auf Ihren Kommentar zur Idee „Bänke am Emsufer“ geantwortet.") in entry
    assert opened(anna, notification) == f"/ideas/{idea.id}#kommentar-{reply.id}"


def test_a_reply_to_someone_else_mails_that_person_and_tells_the_author_in_the_inbox(as_user):
    author = create_user(display_name="Anna Autorin")
    idea = create_idea(author, title="Radweg nach Mesum")
    asker = create_user(display_name="Clara Frage")
    clara = as_user(asker)
    follow(clara, idea)  # the stronger reason wins: she is the one answered
    question = write_comment(clara, idea, "Wer zahlt den Radweg?")
    assert heard(author) == [("my_ideas", "author")]

    write_comment(as_user(create_user(display_name="Ben Bürger")), idea, "Das Land.", question)

    assert heard(asker) == [("replies", "answered")]
    [mail] = mails_to(asker)
    assert mail.subject == "Antwort auf Ihren Kommentar: Radweg nach Mesum"
    assert heard(author) == [("my_ideas", "author")] * 2
    assert mails_to(author) == []
    assert all(n.mailed_at is None for n in notifications_of(author))
    page = main_of(as_user(author).get(INBOX))
    first, second = notifications_of(author)
    assert e("Clara Frage hat Ihre Idee „Radweg nach Mesum“ kommentiert.") in inbox_entry(
        page, first
    )
    assert e("Ben Bürger hat Ihre Idee „Radweg nach Mesum“ kommentiert.") in inbox_entry(
        page, second
    )


# --- Moderation -----------------------------------------------------------------------


def pending_idea(author, title: str):
    return create_idea(author, state="pending", title=title)


def test_publishing_an_idea_tells_its_author_at_once(as_user):
    author = create_user(display_name="Anna Autorin")
    idea = pending_idea(author, "Trinkbrunnen aufstellen")
    moderator = as_user(create_user(roles=("moderator:rheine",)))

    post(moderator, f"/moderation/ideas/{idea.id}/approve", page="/moderation")

    assert fresh(idea).state == "published"
    [notification] = notifications_of(author)
    assert (notification.category, notification.reason) == ("decisions", "author")
    [mail] = mails_to(author)
    assert mail.subject == "Ihre Idee ist freigegeben: Trinkbrunnen aufstellen"
    anna = as_user(author)
    entry = inbox_entry(main_of(anna.get(INBOX)), notification)
    assert e("Ihre Idee „Trinkbrunnen aufstellen“ ist freigegeben.") in entry
    assert opened(anna, notification) == f"/ideas/{idea.id}"


def test_a_rejection_shows_its_reason_in_the_inbox_and_the_mail(as_user):
    author = create_user()
    idea = pending_idea(author, "Parkhaus abreißen")
    moderator = as_user(create_user(roles=("moderator:rheine",)))
    url = f"/moderation/ideas/{idea.id}/reject"

    post(moderator, url, {"template": "0", "reason": "Bitte nennen Sie den Ort genauer."}, url)

    assert fresh(idea).state == "rejected"
    [notification] = notifications_of(author)
    assert (notification.category, notification.reason) == ("decisions", "author")
    [mail] = mails_to(author)
    assert mail.subject == "Ihre Idee wurde nicht freigegeben: Parkhaus abreißen"
    assert "Bitte nennen Sie den Ort genauer." in mail.body
    assert f"/ideas/{idea.id}/revise" in mail.body
    entry = inbox_entry(main_of(as_user(author).get(INBOX)), notification)
    assert e("Ihre Idee „Parkhaus abreißen“ wurde von der Moderation nicht freigegeben.") in entry
    assert "Bitte nennen Sie den Ort genauer." in entry


def test_hiding_and_restoring_tell_the_author_and_the_followers(as_user):
    author = create_user()
    idea = create_idea(author, title="Parkplätze vor der Schule")
    follower = create_user()
    follow(as_user(follower), idea)
    template = create_template("hide", "Persönliche Daten", "Der Beitrag nennt Dritte.")
    moderator = as_user(create_user(roles=("moderator:rheine",)))
    url = f"/moderation/ideas/{idea.id}/hide"

    post(moderator, url, {"template": str(template.id), "reason": ""}, page=url)
    post(moderator, f"/moderation/ideas/{idea.id}/restore", page=f"/moderation/ideas/{idea.id}")

    assert fresh(idea).state == "published"
    assert heard(author) == [("decisions", "author")] * 2
    assert [m.subject for m in mails_to(author)] == [
        "Ihr Beitrag wurde ausgeblendet: Parkplätze vor der Schule",
        "Ihr Beitrag ist wieder sichtbar: Parkplätze vor der Schule",
    ]
    assert "Der Beitrag nennt Dritte." in mails_to(author)[0].body
    assert heard(follower) == [("followed", "follower")] * 2
    assert mails_to(follower) == []
    page = main_of(as_user(follower).get(INBOX))
    assert e("Die Idee „Parkplätze vor der Schule“ wurde von der Moderation ausgeblendet.") in page
    assert e("Die Idee „Parkplätze vor der Schule“ ist wieder sichtbar.") in page
    assert "Der Beitrag nennt Dritte." not in page, "the reason for hiding is the author's"
    assert "Der Beitrag nennt Dritte." in main_of(as_user(author).get(INBOX))


def test_approving_a_premoderated_comment_tells_its_author_and_the_thread(
    app, monkeypatch, as_user
):
    monkeypatch.setitem(app.config, "COMMENTS_PREMODERATED", True)
    author = create_user(display_name="Anna Autorin")
    idea = create_idea(author, title="Bänke am Emsufer")
    follower = create_user()
    follow(as_user(follower), idea)
    commenter = create_user(display_name="Kurt Kommentar")
    comment = write_comment(as_user(commenter), idea, "Bitte mit Schatten!")
    assert comment.state == "pending"
    assert notifications_of(author) == notifications_of(follower) == [], "not public yet"
    moderator = as_user(create_user(roles=("moderator:rheine",)))

    post(moderator, f"/moderation/comments/{comment.id}/approve", page="/moderation")

    assert heard(commenter) == [("decisions", "comment_author")]
    [mail] = mails_to(commenter)
    assert mail.subject == "Ihr Kommentar ist freigegeben: Bänke am Emsufer"
    kurt_page = main_of(as_user(commenter).get(INBOX))
    assert e("Ihr Kommentar zur Idee „Bänke am Emsufer“ ist freigegeben") in kurt_page
    assert heard(author) == [("my_ideas", "author")]
    assert heard(follower) == [("followed", "follower")]
    assert mails_to(author) == mails_to(follower) == []
    anna_page = main_of(as_user(author).get(INBOX))
    assert e("Kurt Kommentar hat Ihre Idee „Bänke am Emsufer“ kommentiert.") in anna_page
    assert "freigegeben" not in anna_page, "the idea's author did not write the comment"
    follower_page = main_of(as_user(follower).get(INBOX))
    assert e("Kurt Kommentar hat die Idee „Bänke am Emsufer“ kommentiert.") in follower_page


# --- Projects -------------------------------------------------------------------------


def test_project_news_reach_followers_and_the_source_ideas_people_in_the_inbox(as_user):
    team = create_user(roles=("team",))
    author = create_user()
    idea = create_idea(author, title="Mitfahrbank am Markt")
    idea_follower, project_follower = create_user(), create_user()
    follow(as_user(idea_follower), idea)
    project = new_project(team, title="Mitfahrbänke im Kreis", ideas=[idea])
    visitor = as_user(project_follower)
    visitor.submit(f"/projects/{project.id}/follow", {}, form_page=f"/projects/{project.id}")
    before = len(outbox())

    response = as_user(team).submit(
        f"/pipeline/projects/{project.id}/updates/new",
        {"title": "Die ersten Bänke stehen", "body": "In Rheine stehen zehn Bänke."},
    )

    assert response.status_code == 302
    assert db.session.scalar(select(ProjectUpdate.title)) == "Die ersten Bänke stehen"
    assert heard(author) == [("decisions", "author"), ("projects", "author")]
    assert heard(idea_follower) == [("followed", "follower"), ("projects", "follower")]
    assert heard(project_follower) == [("projects", "project_follower")]
    assert heard(team) == []
    assert len(outbox()) == before, "project news come in the weekly summary by default"
    [news] = notifications_of(project_follower)
    page = main_of(visitor.get(INBOX))
    entry = inbox_entry(page, news)
    assert e("Neues aus dem Projekt „Mitfahrbänke im Kreis“: Die ersten Bänke stehen") in entry
    assert opened(visitor, news) == f"/projects/{project.id}"


def test_taking_an_idea_into_a_project_tells_the_author_at_once_and_the_others_later(as_user):
    team = create_user(roles=("team",))
    project = new_project(team, title="Bürgerbusse")
    author = create_user()
    idea = create_idea(author, title="Bürgerbus für Lienen")
    [supporter] = add_supports(idea, 1)
    follower = create_user()
    follow(as_user(follower), idea)
    member = as_user(team)
    follow(member, idea)

    response = member.submit(
        "/pipeline/take",
        {"idea": [str(idea.id)], "target": "existing", "project": str(project.id)},
        form_page="/pipeline",
    )

    assert response.status_code == 302
    assert fresh(idea).state == "adopted"
    assert heard(author) == [("decisions", "author")]
    [mail] = mails_to(author)
    assert mail.subject == "Eine Idee fließt in ein Projekt ein: Bürgerbus für Lienen"
    assert heard(supporter) == [("followed", "supporter")]
    assert heard(follower) == [("followed", "follower")]
    assert heard(team) == []
    assert mails_to(supporter) == mails_to(follower) == []
    anna = as_user(author)
    [notification] = notifications_of(author)
    entry = inbox_entry(main_of(anna.get(INBOX)), notification)
    assert e("Das Projektteam hat Ihre Idee „Bürgerbus für Lienen“ in das Projekt") in entry
    assert opened(anna, notification) == f"/projects/{project.id}"
    other = main_of(as_user(supporter).get(INBOX))
    assert e("hat die Idee „Bürgerbus für Lienen“ in das Projekt „Bürgerbusse“") in other


def test_declining_an_idea_tells_the_author_at_once_and_supporters_later(as_user):
    team = create_user(roles=("team",))
    author = create_user()
    idea = create_idea(author, title="Seilbahn über die Ems")
    [supporter] = add_supports(idea, 1)

    response = as_user(team).submit(
        f"/pipeline/ideas/{idea.id}/decline", {"answer": "Zu teuer für den Nutzen."}
    )

    assert response.status_code == 302
    assert fresh(idea).state == "declined"
    assert heard(author) == [("decisions", "author")]
    [mail] = mails_to(author)
    assert mail.subject == "Antwort des Projektteams zu Ihrer Idee: Seilbahn über die Ems"
    assert "Zu teuer für den Nutzen." in mail.body
    assert heard(supporter) == [("followed", "supporter")]
    assert mails_to(supporter) == []
    page = main_of(as_user(supporter).get(INBOX))
    assert e("Das Projektteam wird die Idee „Seilbahn über die Ems“ nicht weiterverfolgen.") in page
    assert "Zu teuer für den Nutzen." in page


def test_deleted_accounts_hear_nothing(as_user):
    author = create_user()
    idea = create_idea(author)
    author.deleted_at = utcnow()
    db.session.commit()

    write_comment(as_user(create_user()), idea, "Ein Kommentar ins Leere.")

    assert notifications_of(author) == []
