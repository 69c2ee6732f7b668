"""Deleting an account (DSGVO Art. 17): from /account, after the password. The person's
data goes from every table; public contributions stay under "Gelöschtes Konto" unless
they take them along; supports keep counting; the last mail to them is not kept."""

import re

import pytest
from sqlalchemy import JSON, String, cast, func, select

from participation.accounts.models import SignInSession, User
from participation.accounts.second_factor.models import RecoveryCode
from participation.accounts.second_factor.recovery import replace_codes
from participation.audit import AuditEntry
from participation.extensions import db
from participation.ideas import services as ideas
from participation.ideas.models import Comment, Follow, Idea, Support
from participation.moderation import decisions
from participation.moderation.models import Report
from participation.moderation.services import file_report
from participation.notifications.models import NotificationSettings
from participation.outbox import services as outbox_service
from participation.outbox.models import OutboxMessage
from participation.projects.models import Project, ProjectFollow
from participation.rating.models import Assessment
from participation.rating.services import rate_idea
from participation.roles import RoleAssignment
from participation.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    add_supports,
    choose_channels,
    count_rows,
    create_comment,
    create_idea,
    create_user,
    find_user,
    fresh_code,
    notifications_of,
    outbox,
)
from tests.helpers import field_error, fresh, html_of, idea_ids_in, main_of
from tests.privacy.helpers import submit_idea_as

DELETE = "/account/delete"
ZORA = {
    "email": "zora.zwiebel@beispiel.example",
    "name": "Zora Zwiebelmann",
    "organisation": "Zwiebelfreunde Emsaue",
}
DELETED = "Gelöschtes Konto"


@pytest.fixture
def world(app):
    """Zora (an association) with ideas in three states, a comment, a support, follows,
    a report, mails and inbox entries; a moderator who named her in a decision; Bernd,
    whose idea she commented on (his inbox entry and his mail at once name her)."""
    zora = create_user(
        ZORA["email"],
        display_name=ZORA["name"],
        kind="association",
        organisation_name=ZORA["organisation"],
        municipality="rheine",
    )
    mona = create_user("mona@kreis.example", display_name="Mona Moderatorin", roles=("moderator",))
    bernd = create_user("bernd@example.org", display_name="Bernd Anders")
    choose_channels(bernd, my_ideas="immediate")
    choose_channels(zora, followed="weekly")

    published = submit_idea_as(zora, "Mitfahrbank am Markt")
    decisions.approve_idea(mona, published)
    note = f"Telefonnummer von {ZORA['name']} entfernt"  # kept in the inbox's event too
    decisions.correct_idea(mona, published, published.title, published.body, note)
    pending = submit_idea_as(zora, "Bürgerbus am Sonntag")
    ideas.update_idea(
        zora,
        pending,
        ideas.IdeaData(
            title="Bürgerbus am Sonntag früh",
            body="ZORA-ENTWURF: Der Bus fährt sonntags um sieben ab dem Markt.",
            field_id=pending.field_id,
            municipality_id=pending.municipality_id,
        ),
    )
    rejected = submit_idea_as(zora, "Parkhaus abreißen")
    reason = f"Liebe {ZORA['name'].upper()}, bitte nennen Sie den Ort genauer."
    decisions.reject_idea(mona, rejected, reason)
    db.session.commit()
    add_supports(published, 3)

    berndes = create_idea(bernd, title="Wochenmarkt am Abend", supports=2)
    bernd_comment = create_comment(berndes, bernd, body="Bernds eigener Kommentar")
    comment = ideas.add_comment(zora, berndes, "ZORA-KOMMENTAR: Gute Idee, ich komme mit!")
    ideas.support_idea(zora, berndes)
    ideas.follow_idea(zora, berndes)
    db.session.commit()
    reply = create_comment(berndes, bernd, body="Bernd antwortet Zora", parent=comment)
    file_report(
        zora, reason="spam", note="ZORA-MELDUNG sieht nach Werbung aus", comment=bernd_comment
    )
    file_report(bernd, reason="off_topic", idea=published)
    project = Project(title="Mitfahrbänke im ganzen Kreis")
    db.session.add(project)
    db.session.flush()
    db.session.add(ProjectFollow(project_id=project.id, user_id=zora.id))
    db.session.add(
        OutboxMessage(
            recipient=zora.email, subject="Alt", body="Schon verschickt", sent_at=utcnow()
        )
    )
    db.session.commit()
    return {
        "zora": zora,
        "bernd": bernd,
        "published": published,
        "pending": pending,
        "rejected": rejected,
        "berndes": berndes,
        "comment": comment,
        "reply": reply,
    }


def delete_account(browser, password: str = PASSWORD, remove: bool = False, code=None):
    """`code`: staff confirm with their authenticator app too."""
    data = {"password": password, **({"code": code} if code else {})}
    if remove:
        data["remove_contributions"] = "y"
    return browser.submit(DELETE, data)


class KeepingMailer:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


@pytest.fixture
def mailer(monkeypatch) -> KeepingMailer:
    """Delivery through the real outbox function, into a list instead of a server."""
    keeping = KeepingMailer()
    monkeypatch.setattr(outbox_service, "mailer_for", lambda url: keeping)
    return keeping


def stored_anywhere(*needles: str) -> set[tuple[str, str]]:
    """(table.column, needle) for every text or JSON column of every table holding a
    needle, ignoring case (the needles are ASCII: JSON may escape other letters)."""
    db.session.expire_all()
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, JSON):
                text = cast(column, String)
            elif isinstance(column.type, String):  # Text is a String too
                text = column
            else:
                continue
            for needle in needles:
                holds = func.lower(text).contains(needle.lower(), autoescape=True)
                if db.session.scalar(select(func.count()).select_from(table).where(holds)):
                    found.add((f"{table.name}.{column.name}", needle))
    return found


def counts(idea) -> tuple[int, int]:
    idea = fresh(idea)
    return idea.support_count, idea.comment_count


def assert_no_drift(runner) -> None:
    check = runner.invoke(args=["recount", "--check"])
    assert check.exit_code == 0, check.output
    assert "0 Abweichungen gefunden." in check.output


# --- The page -------------------------------------------------------------------------


def test_the_account_page_leads_to_a_page_that_says_what_goes_and_what_stays(world, as_user):
    browser = as_user(world["zora"])
    account = main_of(browser.get("/account"))
    assert f'href="{DELETE}"' in account and "Konto löschen" in account

    page = main_of(browser.get(DELETE))
    assert "<h1>Konto löschen</h1>" in page
    assert "Was wir löschen" in page and "Was bleibt" in page
    assert "Gelöschtes Konto" in page and "nach 6 Monaten" in page
    assert '<label for="password">Ihr Passwort</label>' in page
    assert 'autocomplete="current-password"' in page
    assert '<label for="remove_contributions">Meine Ideen und Kommentare ebenfalls' in page
    assert 'name="csrf_token"' in page
    assert 'href="/account/export"' in page  # a copy first, if they want one


# --- Everything about the person goes -------------------------------------------------


def test_deleting_removes_the_person_from_every_table_and_keeps_public_contributions(
    world, as_user, new_browser, runner, mailer
):
    zora, berndes, published = world["zora"], world["berndes"], world["published"]
    before = {idea.id: counts(idea) for idea in (berndes, published)}
    assert stored_anywhere(*ZORA.values())  # the control: she is there now

    response = delete_account(as_user(zora))

    assert response.status_code == 302 and response.headers["Location"] == "/account/deleted"
    # Until the last mail is out, her address is in one place: that mail's recipient.
    assert stored_anywhere(*ZORA.values()) == {("outbox_messages.recipient", ZORA["email"])}
    report = outbox_service.deliver_pending()
    assert report.sent >= 1
    [last] = [m for m in mailer.sent if m["To"] == ZORA["email"]]
    assert last["Subject"] == "Ihr Konto ist gelöscht"
    assert "bleiben lesbar" in last.get_body(("plain",)).get_content()
    assert "bleiben lesbar" in last.get_body(("html",)).get_content()
    assert stored_anywhere(*ZORA.values()) == set()
    assert count_rows(OutboxMessage) == len(mailer.sent) - 1  # only her last mail went

    person = fresh(zora)
    assert person.display_name == DELETED and person.deleted_at is not None
    assert person.email.endswith("@konto.invalid") and find_user(ZORA["email"]) is None
    assert (person.organisation_name, person.municipality_id, person.roles) == (None, None, [])
    # Her inbox and her choices go with the account; Bernd's entry about her comment stays.
    assert notifications_of(person) == []
    assert db.session.get(NotificationSettings, person.id) is None
    [about_her] = notifications_of(world["bernd"])
    assert about_her.event.comment_id == world["comment"].id

    public = main_of(new_browser().get(f"/ideas/{published.id}"))
    assert DELETED in public and "Mitfahrbank am Markt" in public
    thread = main_of(new_browser().get(f"/ideas/{berndes.id}"))
    assert "ZORA-KOMMENTAR" in thread and DELETED in thread
    assert "Bernd antwortet Zora" in thread
    assert {idea.id: counts(idea) for idea in (berndes, published)} == before
    assert_no_drift(runner)


def test_links_to_the_person_go_and_supports_and_reports_stay_without_her(world, as_user):
    zora, berndes = world["zora"], world["berndes"]
    delete_account(as_user(zora))

    db.session.expire_all()
    for column in (Follow.user_id, ProjectFollow.user_id):
        assert db.session.scalar(select(func.count()).where(column == zora.id)) == 0
    assert count_rows(ProjectFollow) == 0
    supports = db.session.scalars(select(Support).where(Support.idea_id == berndes.id)).all()
    assert len(supports) == 3 and [s.user_id for s in supports].count(None) == 1
    report = db.session.scalar(select(Report).where(Report.comment_id.is_not(None)))
    assert report.reporter_id is None and report.note.startswith("ZORA-MELDUNG")
    assert outbox(ZORA["email"]) != []  # only the last mail, until it is delivered
    assert [m.subject for m in outbox(ZORA["email"])] == ["Ihr Konto ist gelöscht"]


def test_what_the_public_could_not_read_goes_even_when_contributions_stay(world, as_user):
    pending, rejected = world["pending"], world["rejected"]
    delete_account(as_user(world["zora"]))

    for idea in (pending, rejected):
        idea = fresh(idea)
        assert (idea.state, idea.title, idea.body) == ("withdrawn", "Entfernte Idee", "")
        assert idea.state_reason is None
    assert fresh(world["published"]).state == "published"
    edit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "idea.edit"))
    kept = f'{{"field_id": {pending.field_id}, "municipality_id": {pending.municipality_id}}}'
    assert (edit.before, edit.after, edit.redacted_because) == (kept, kept, "deletion")
    reject = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "idea.reject"))
    assert reject.reason == f"Liebe {DELETED}, bitte nennen Sie den Ort genauer."
    assert reject.actor.display_name == "Mona Moderatorin"  # decisions keep their author


def test_mails_to_others_keep_going_without_her_name(world, as_user):
    [to_bernd] = outbox("bernd@example.org")
    assert ZORA["name"] in to_bernd.body and ZORA["name"] in to_bernd.html_body
    delete_account(as_user(world["zora"]))

    [to_bernd] = outbox("bernd@example.org")
    assert to_bernd.sent_at is None
    assert f"{DELETED} hat Ihre Idee „Wochenmarkt am Abend“ kommentiert" in to_bernd.body
    assert f"{DELETED} hat Ihre Idee „Wochenmarkt am Abend“ kommentiert" in to_bernd.html_body
    assert ZORA["name"] not in to_bernd.body and ZORA["name"] not in to_bernd.html_body
    inbox = main_of(as_user(world["bernd"]).get("/benachrichtigungen"))
    assert f"{DELETED} hat Ihre Idee „Wochenmarkt am Abend“ kommentiert." in inbox
    assert ZORA["name"] not in inbox


def test_her_name_stays_where_the_text_is_not_about_her(world, as_user):
    """Names are not unique and may be ordinary words: another person's record that
    happens to use the same words keeps them; only the address goes everywhere."""
    mona = find_user("mona@kreis.example")
    other = create_idea(world["bernd"], title="Treffpunkt am Bahnhof", state="pending")
    unrelated = f"Wie {ZORA['name']} schon schrieb, fehlt der Ort. Kontakt: {ZORA['email']}"
    decisions.reject_idea(mona, other, unrelated)
    db.session.add(OutboxMessage(recipient="dora@example.org", subject="Hallo", body=unrelated))
    db.session.commit()

    delete_account(as_user(world["zora"]))

    expected = (
        f"Wie {ZORA['name']} schon schrieb, fehlt der Ort. Kontakt: [E-Mail-Adresse entfernt]"
    )
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "ideas",
            AuditEntry.object_id == other.id,
            AuditEntry.action == "idea.reject",
        )
    )
    assert entry.reason == expected
    assert outbox("dora@example.org")[0].body == expected
    about_her = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "ideas",
            AuditEntry.object_id == world["rejected"].id,
            AuditEntry.action == "idea.reject",
        )
    )
    assert ZORA["name"].upper() not in about_her.reason and DELETED in about_her.reason


def test_the_person_is_signed_out_and_the_old_address_opens_nothing(world, as_user, new_browser):
    browser = as_user(world["zora"])
    response = delete_account(browser)

    page = browser.get(response.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = main_of(page)
    assert "<h1>Ihr Konto ist gelöscht</h1>" in html and "Gelöschtes Konto" in html
    assert 'action="/logout"' not in html_of(page)  # signed out: no logout button
    assert "/login" in browser.get("/account").headers["Location"]
    assert browser.get("/account/deleted").headers["Location"] == "/"  # shown once
    again = new_browser().login(ZORA["email"])
    assert again.status_code == 200
    assert "nicht richtig" in field_error(html_of(again), "password")


def test_the_last_mail_is_not_kept_even_when_it_cannot_be_delivered(app, world, as_user):
    delete_account(as_user(world["zora"]))
    [last] = outbox(ZORA["email"])
    assert last.forget_after_delivery

    class Refusing:
        def send(self, message):
            raise OSError("Mailserver nicht erreichbar")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox_service, "mailer_for", lambda url: Refusing())
        patch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
        outbox_service.deliver_pending()
    assert outbox(ZORA["email"]) == []
    assert outbox("bernd@example.org")[0].failed_at is not None  # others' mails are kept


# --- Taking the contributions along ---------------------------------------------------


def test_with_removal_ideas_and_comments_leave_the_site_and_the_counts_stay_right(
    world, as_user, new_browser, runner, mailer
):
    zora, berndes, published = world["zora"], world["berndes"], world["published"]
    supports, comments = counts(berndes)
    visitor = new_browser()
    assert idea_ids_in(main_of(visitor.get("/ideas?q=Mitfahrbank"))) == [published.id]

    response = delete_account(as_user(zora), remove=True)

    assert response.status_code == 302
    assert new_browser().get(f"/ideas/{published.id}").status_code == 404
    assert published.id not in idea_ids_in(main_of(visitor.get("/ideas")))
    assert idea_ids_in(main_of(visitor.get("/ideas?q=Mitfahrbank"))) == []
    thread = main_of(visitor.get(f"/ideas/{berndes.id}"))
    assert "ZORA-KOMMENTAR" not in thread
    assert "Dieser Kommentar wurde von der Verfasserin oder dem Verfasser gelöscht." in thread
    assert "Bernd antwortet Zora" in thread  # replies of others stay
    assert counts(berndes) == (supports, comments - 1)
    assert fresh(published).support_count == 3  # others' supports of her idea stay counted
    assert (
        db.session.scalars(select(Idea.state).where(Idea.author_id == zora.id)).all()
        == ["withdrawn"] * 3
    )
    assert fresh(world["comment"]).body == ""
    report = db.session.scalar(select(Report).where(Report.idea_id == published.id))
    assert (report.resolution, report.resolved_at is not None) == ("erased", True)
    assert_no_drift(runner)
    outbox_service.deliver_pending()
    [last] = [m for m in mailer.sent if m["To"] == ZORA["email"]]
    assert "ebenfalls von der Plattform entfernt" in last.get_body(("plain",)).get_content()
    assert stored_anywhere(*ZORA.values(), "ZORA-KOMMENTAR", "ZORA-ENTWURF") == set()
    assert outbox("bernd@example.org") == []  # the notice quoted her removed comment
    assert notifications_of(world["bernd"]) == []  # and his inbox entry told of it


def test_removed_contributions_are_announced_in_the_log_without_their_words(world, as_user):
    delete_account(as_user(world["zora"]), remove=True)

    erased = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("%.erase"))
    ).all()
    assert sorted(erased) == ["comment.erase", "idea.erase", "idea.erase", "idea.erase"]
    [deleted] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.delete"))
    assert deleted.actor.display_name == DELETED
    assert deleted.after == '{"contributions_removed": true}'


# --- Refusals -------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(world, as_user):
    browser = as_user(world["zora"])
    response = delete_account(browser, password="falsches Passwort", remove=True)

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "password") == (
        "Das Passwort ist nicht richtig. Ihr Konto wurde nicht gelöscht."
    )
    checkbox = re.search(r'<input[^>]*id="remove_contributions"[^>]*>', html).group(0)
    assert "checked" in checkbox  # what they chose is not lost
    person = fresh(world["zora"])
    assert (person.email, person.deleted_at) == (ZORA["email"], None)
    assert fresh(world["published"]).state == "published"
    assert browser.get("/account").status_code == 200  # still signed in


def test_a_missing_password_is_asked_for(world, as_user):
    response = delete_account(as_user(world["zora"]), password="")
    assert field_error(html_of(response), "password") == "Bitte geben Sie Ihr Passwort ein."
    assert fresh(world["zora"]).deleted_at is None


def test_a_blocked_person_can_delete_their_account(world, as_user):
    zora = world["zora"]
    browser = as_user(zora)
    zora.blocked_at, zora.blocked_reason = utcnow(), f"{ZORA['name']} beleidigt andere"
    db.session.commit()
    assert "Konto löschen" in main_of(browser.get(DELETE))

    response = delete_account(browser)

    assert response.status_code == 302
    person = fresh(zora)
    assert person.deleted_at is not None
    assert (person.blocked_at, person.blocked_reason) == (None, None)


def test_the_last_admin_is_refused_and_told_why(as_user):
    admin = create_user("admin@kreis.example", display_name="Ada Admin", roles=("admin",))
    browser = as_user(admin)

    page = main_of(browser.get(DELETE))
    assert "letzte Person, die die Plattform verwalten kann" in page
    assert 'name="password"' not in page  # no form to fill in for nothing

    response = delete_account(browser, code=fresh_code(admin.email))
    assert response.status_code == 200
    assert "letzte Person, die die Plattform verwalten kann" in main_of(response)
    assert fresh(admin).deleted_at is None and fresh(admin).roles != []


def test_an_admin_with_a_colleague_can_delete_and_loses_the_role(as_user):
    admin = create_user("admin@kreis.example", display_name="Ada Admin", roles=("admin",))
    create_user("zweite@kreis.example", roles=("admin",))
    replace_codes(admin)
    db.session.commit()
    browser = as_user(admin)
    assert count_rows(RecoveryCode) == 10 and count_rows(SignInSession) == 1

    assert delete_account(browser, code=fresh_code(admin.email)).status_code == 302

    person = fresh(admin)
    assert person.deleted_at is not None
    assert (person.totp_secret, person.second_factor_at) == (None, None)
    assert (count_rows(RecoveryCode), count_rows(SignInSession)) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1


def test_anonymous_people_are_sent_to_login(world, browser):
    assert "/login" in browser.get(DELETE).headers["Location"]
    response = browser.submit(DELETE, {"password": PASSWORD}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_post_without_csrf_token_is_refused(world, as_user):
    browser = as_user(world["zora"])
    response = browser.client.post(DELETE, data={"password": PASSWORD})
    assert response.status_code == 400
    assert fresh(world["zora"]).deleted_at is None


# --- Staff ----------------------------------------------------------------------------


def test_staff_ratings_stay_as_the_districts_records_under_the_placeholder(world, as_user):
    klara = create_user(
        "klara@kreis.example", display_name="Klara Kommission", roles=("committee",)
    )
    rate_idea(klara, world["berndes"], 4, 2, "KLARA-NOTIZ: Markt fragt nach Strom")
    db.session.commit()

    response = delete_account(as_user(klara), remove=True, code=fresh_code(klara.email))
    assert response.status_code == 302

    [assessment] = db.session.scalars(select(Assessment)).all()
    assert assessment.rater_id == klara.id and assessment.note.startswith("KLARA-NOTIZ")
    assert db.session.get(User, klara.id).display_name == DELETED
    assert stored_anywhere("klara@kreis.example", "Klara Kommission") == {
        ("outbox_messages.recipient", "klara@kreis.example")  # the last mail, until sent
    }
    assert db.session.scalar(select(func.count()).where(Comment.author_id == klara.id)) == 0


def test_mails_to_an_address_she_asked_to_change_to_go_too(world, as_user):
    from participation.accounts.email_change import request_email_change

    request_email_change(world["zora"], "zora.neu@beispiel.example")
    db.session.commit()
    assert [m.subject for m in outbox("zora.neu@beispiel.example")] != []

    delete_account(as_user(world["zora"]))

    assert outbox("zora.neu@beispiel.example") == []
    assert stored_anywhere("zora.neu@beispiel.example") == set()


def test_reports_of_deleted_accounts_still_count_towards_hiding(app, world, monkeypatch):
    from participation.privacy.deletion import delete_account as delete_service

    monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", 3)
    idea = create_idea(title="Gemeldete Idee")
    for name in ("Erste Melderin", "Zweiter Melder"):
        reporter = create_user(display_name=name)
        file_report(reporter, reason="spam", idea=idea)
        delete_service(reporter, remove_contributions=False)
        db.session.commit()
    assert fresh(idea).state == "published"

    file_report(create_user(), reason="spam", idea=idea)
    db.session.commit()

    assert fresh(idea).state == "hidden"  # three people reported it
