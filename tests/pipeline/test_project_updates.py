"""Who hears of the team's work: project news, ideas taken into projects, ideas declined.

Everyone who cared gets exactly one inbox entry, never the team member who acted, never
people who left; a mail at once goes to those who chose it (and to authors for the
team's decision on their idea), and every mail can switch these mails off.
"""

from datetime import date

from sqlalchemy import select

from participation.extensions import db
from participation.ideas import services as ideas
from participation.projects import services as projects
from participation.projects.models import ProjectIdea, ProjectUpdate
from participation.timeutil import utcnow
from tests.factories import (
    add_supports,
    channels_of,
    choose_channels,
    create_idea,
    create_user,
    notifications_of,
    outbox,
    stop_path,
)
from tests.helpers import audit, field_error, fresh, html_of, main_of
from tests.pipeline.test_planning import new_project

NEWS = "Neues aus dem Projekt: "
STOP_PATH = "/benachrichtigungen/abbestellen/"
OLD_STOP_PATH = "/mitteilungen/abbestellen/"


def update_url(project) -> str:
    return f"/pipeline/projects/{project.id}/updates/new"


def news_for(email: str | None = None) -> list:
    return [m for m in outbox(email) if m.subject.startswith(NEWS)]


def news_recipients() -> list[str]:
    return sorted(m.recipient for m in news_for())


def told(people, kind: str) -> list[str]:
    """The emails of those among `people` with an inbox entry of this kind of event."""
    return sorted(
        person.email
        for person in people
        for entry in notifications_of(person)
        if entry.event.kind == kind
    )


def follow_idea(user, idea) -> None:
    ideas.follow_idea(user, idea)
    db.session.commit()


def follow_project(user, project) -> None:
    projects.follow_project(user, project)
    db.session.commit()


def audience():
    """A project from one idea, and people in every relation to it."""
    team = create_user(roles=("team",))
    author = create_user(display_name="Autorin")
    idea = create_idea(author, title="Mitfahrbank am Markt")
    project = new_project(team, title="Mitfahrbänke im Kreis", ideas=[idea])
    people = {
        name: create_user(display_name=name)
        for name in ("project-follower", "idea-follower", "both", "quiet", "gone")
    }
    [people["supporter-only"]] = add_supports(idea, 1)
    follow_project(people["project-follower"], project)
    follow_idea(people["idea-follower"], idea)
    follow_project(people["both"], project)
    follow_idea(people["both"], idea)
    for name in ("quiet", "gone"):
        follow_project(people[name], project)
        follow_idea(people[name], idea)
    for name in ("project-follower", "idea-follower", "both"):
        choose_channels(people[name], projects="immediate")
    choose_channels(people["quiet"], projects="inbox")
    people["gone"].deleted_at = utcnow()
    follow_project(team, project)
    follow_idea(team, idea)
    db.session.commit()
    return team, author, idea, project, people


def test_team_publishes_news_and_each_follower_gets_one_mail(as_user, browser):
    team, author, _idea, project, people = audience()
    visitor_account = create_user(display_name="Besucher")
    visitor = as_user(visitor_account)
    followed = visitor.submit(
        f"/projects/{project.id}/follow", {}, form_page=f"/projects/{project.id}"
    )
    assert followed.status_code == 302
    publisher = as_user(team)

    form = publisher.get(update_url(project))
    assert form.status_code == 200 and "Mitfahrbänke im Kreis" in main_of(form)
    published = publisher.submit(
        update_url(project),
        {
            "title": "Die ersten zehn Bänke stehen",
            "body": "In **Rheine** und Emsdetten stehen die Bänke.",
            "published_on": "01.03.2027",
        },
    )
    assert published.status_code == 302
    assert published.headers["Location"].endswith(f"/projects/{project.id}")

    [update] = db.session.scalars(select(ProjectUpdate)).all()
    assert (update.project_id, update.author_id) == (project.id, team.id)
    assert (update.title, update.published_on) == ("Die ersten zehn Bänke stehen", date(2027, 3, 1))
    assert [entry.actor_id for entry in audit("project.update")] == [team.id]

    page = main_of(browser.get(f"/projects/{project.id}"))
    assert "Die ersten zehn Bänke stehen" in page
    assert "<strong>Rheine</strong>" in page and "01.03.2027" in page

    everyone = [author, team, visitor_account, *people.values()]
    assert told(everyone, "project.updated") == sorted(
        [
            author.email,
            people["project-follower"].email,
            people["idea-follower"].email,
            people["both"].email,
            people["quiet"].email,
            visitor_account.email,
        ]
    ), "once each; not the team member, not who left, not a mere supporter"
    # A mail at once only for those who chose it; the others read the weekly summary.
    mailed = [people["project-follower"].email, people["idea-follower"].email, people["both"].email]
    assert news_recipients() == sorted(mailed)
    mail = news_for(people["both"].email)[0]
    assert mail.subject == "Neues aus dem Projekt: Mitfahrbänke im Kreis"
    assert "Die ersten zehn Bänke stehen" in mail.body
    # The text part reads as plain text, the HTML part keeps the emphasis.
    assert "In Rheine und Emsdetten stehen die Bänke." in mail.body and "**" not in mail.body
    assert "<strong>Rheine</strong>" in mail.html_body
    assert f"/projects/{project.id}" in mail.body
    assert stop_path(mail).startswith(STOP_PATH)
    inbox = main_of(visitor.get("/benachrichtigungen"))
    assert "Neues aus dem Projekt „Mitfahrbänke im Kreis“: Die ersten zehn Bänke stehen" in inbox


def test_the_stop_link_in_the_mail_ends_these_mails(as_user, browser):
    team, author, _idea, project, people = audience()
    follower = people["project-follower"]
    publisher = as_user(team)
    publisher.submit(update_url(project), {"title": "Ausschreibung läuft", "body": "Bis Mai."})
    [mail] = news_for(follower.email)

    stop = stop_path(mail)
    assert stop.startswith(STOP_PATH)
    asked = browser.get(stop)
    assert asked.status_code == 200 and "Abbestellen" in html_of(asked)
    assert channels_of(follower)["projects"] == "immediate"  # opening the link changes nothing
    response = browser.submit(stop, {})
    assert response.status_code == 200
    assert "E-Mails abbestellt" in main_of(response)
    assert channels_of(follower)["projects"] == "inbox"
    assert channels_of(people["both"])["projects"] == "immediate"
    assert channels_of(author)["projects"] == "weekly"

    before = len(outbox())
    publisher.submit(update_url(project), {"title": "Zuschlag erteilt", "body": "Es geht los."})
    second = [m for m in outbox()[before:] if m.subject.startswith(NEWS)]
    assert follower.email not in [m.recipient for m in second]
    assert sorted(m.recipient for m in second) == sorted(
        [people["idea-follower"].email, people["both"].email]
    )
    assert len(db.session.scalars(select(ProjectUpdate)).all()) == 2
    assert told([follower], "project.updated") == [follower.email] * 2, "the inbox still has it"


def test_a_forged_stop_link_changes_nothing(browser):
    person = create_user()
    choose_channels(person, projects="immediate")
    for forged in (f"{STOP_PATH}{person.id}", f"{STOP_PATH}bm90LWEtdG9rZW4"):
        assert browser.get(forged).status_code == 404
        assert browser.client.post(forged).status_code == 404
    assert channels_of(person)["projects"] == "immediate"


def test_the_stop_link_of_an_old_project_mail_points_to_the_preferences(browser):
    person = create_user()
    choose_channels(person, projects="immediate")
    old = f"{OLD_STOP_PATH}MQ.eine-alte-signatur"
    for response in (browser.get(old), browser.client.post(old)):
        assert response.status_code == 410
        assert 'href="/benachrichtigungen/einstellungen"' in main_of(response)
    assert channels_of(person)["projects"] == "immediate"


def test_news_without_title_or_text_is_not_published(as_user):
    team, _author, _idea, project, _people = audience()
    before = len(outbox())
    response = as_user(team).submit(
        update_url(project), {"title": "", "body": "  ", "published_on": "31.02.2027"}
    )
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "title") == "Bitte geben Sie einen Titel an."
    assert field_error(html, "body") == "Bitte schreiben Sie, was es Neues gibt."
    assert "zum Beispiel 01.03.2027" in field_error(html, "published_on")
    assert 'value="31.02.2027"' in html
    assert db.session.scalars(select(ProjectUpdate)).all() == []
    assert len(outbox()) == before


def test_news_without_a_date_is_dated_today(as_user):
    team = create_user(roles=("team",))
    project = new_project(team)
    as_user(team).submit(update_url(project), {"title": "Kurz notiert", "body": "Alles im Plan."})
    [update] = db.session.scalars(select(ProjectUpdate)).all()
    assert update.published_on == utcnow().date()


# Ideas taken in or declined ----------------------------------------------------------


def take(browser, ideas_, project):
    return browser.submit(
        "/pipeline/take",
        {"idea": [str(i.id) for i in ideas_], "target": "existing", "project": str(project.id)},
        form_page="/pipeline",
    )


def test_taking_an_idea_mails_each_person_once_but_not_the_acting_member(as_user):
    team = create_user(roles=("team",))
    project = new_project(team, title="Bürgerbusse")
    author = create_user()
    idea = create_idea(author, title="Bürgerbus für Lienen")
    supporter, quiet, gone = add_supports(idea, 3)
    follow_idea(supporter, idea)  # supports AND follows
    follow_idea(team, idea)
    ideas.support_idea(team, idea)
    choose_channels(supporter, followed="immediate")
    choose_channels(quiet, followed="inbox")
    gone.deleted_at = utcnow()
    db.session.commit()
    before = len(outbox())

    response = take(as_user(team), [idea], project)
    assert response.status_code == 302
    everyone = [team, author, supporter, quiet, gone]
    assert told(everyone, "idea.taken") == sorted([author.email, supporter.email, quiet.email])
    mails = outbox()[before:]
    assert sorted(m.recipient for m in mails) == sorted([author.email, supporter.email])
    assert {m.subject for m in mails} == {
        "Eine Idee fließt in ein Projekt ein: Bürgerbus für Lienen"
    }
    assert all(f"/projects/{project.id}" in m.body for m in mails)
    assert all(stop_path(m).startswith(STOP_PATH) for m in mails)
    inbox = main_of(as_user(author).get("/benachrichtigungen"))
    assert "hat Ihre Idee „Bürgerbus für Lienen“ in das Projekt „Bürgerbusse“ übernommen" in inbox
    assert fresh(idea).state == "adopted"


def test_declining_mails_each_person_once_but_not_the_acting_member(as_user):
    team = create_user(roles=("team",))
    author = create_user()
    idea = create_idea(author, title="Seilbahn über die Ems")
    [supporter] = add_supports(idea, 1)
    follow_idea(supporter, idea)
    follow_idea(team, idea)
    choose_channels(supporter, followed="immediate")
    before = len(outbox())

    response = as_user(team).submit(
        f"/pipeline/ideas/{idea.id}/decline", {"answer": "Zu teuer für den Nutzen."}
    )
    assert response.status_code == 302
    assert told([team, author, supporter], "idea.state") == sorted([author.email, supporter.email])
    mails = outbox()[before:]
    assert sorted(m.recipient for m in mails) == sorted([author.email, supporter.email])
    assert all("Zu teuer für den Nutzen." in m.body for m in mails)
    assert all(stop_path(m).startswith(STOP_PATH) for m in mails)
    inbox = main_of(as_user(author).get("/benachrichtigungen"))
    assert "Das Projektteam wird Ihre Idee „Seilbahn über die Ems“ nicht weiterverfolgen." in inbox


def test_taking_an_idea_again_changes_nothing_and_sends_nothing(as_user):
    team = create_user(roles=("team",))
    idea = create_idea(title="Bürgerbus für Lienen", supports=2)
    project = new_project(team, title="Bürgerbusse", ideas=[idea])
    links_before = db.session.scalars(select(ProjectIdea)).all()
    mails_before, audit_before = len(outbox()), len(audit())

    member = as_user(team)
    response = take(member, [idea], project)
    assert response.status_code == 302
    notice = html_of(member.get(response.headers["Location"]))
    assert "Die ausgewählten Ideen gehören bereits zu „Bürgerbusse“." in notice
    assert "benachrichtigt" not in notice
    db.session.expire_all()
    assert len(db.session.scalars(select(ProjectIdea)).all()) == len(links_before) == 1
    assert len(outbox()) == mails_before
    assert len(audit()) == audit_before
    assert fresh(idea).state == "adopted"


def test_an_adopted_idea_cannot_be_declined(as_user):
    team = create_user(roles=("team",))
    idea = create_idea(title="Bürgerbus für Lienen", supports=1)
    new_project(team, ideas=[idea])
    before = len(outbox())

    response = as_user(team).submit(f"/pipeline/ideas/{idea.id}/decline", {"answer": "Doch nicht."})
    html = html_of(response)
    assert response.status_code == 200
    message = field_error(html, "answer")
    assert message and "In ein Projekt eingeflossen" in message
    assert "Doch nicht." in html
    assert fresh(idea).state == "adopted" and fresh(idea).team_answer is None
    assert audit("idea.decline") == []
    assert len(outbox()) == before


def test_a_declined_idea_can_be_reconsidered_into_a_project(as_user, browser):
    team = create_user(roles=("team",))
    author = create_user()
    idea = create_idea(author, title="Seilbahn über die Ems")
    member = as_user(team)
    member.submit(f"/pipeline/ideas/{idea.id}/decline", {"answer": "Zu teuer für den Nutzen."})
    assert fresh(idea).state == "declined"
    project = new_project(team, title="Neue Wege über die Ems")

    response = take(member, [idea], project)
    assert response.status_code == 302
    again = fresh(idea)
    assert (again.state, again.team_answer) == ("adopted", None)
    [adopt] = audit("idea.adopt")
    assert (adopt.before, adopt.after) == ("declined", "adopted")
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Zu teuer für den Nutzen." not in page
    assert "Neue Wege über die Ems" in page
    subjects = [m.subject for m in outbox(author.email)]
    assert subjects == [
        "Antwort des Projektteams zu Ihrer Idee: Seilbahn über die Ems",
        "Eine Idee fließt in ein Projekt ein: Seilbahn über die Ems",
    ]
