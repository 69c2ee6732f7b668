"""`flask retention run`: what is no longer needed goes, daily, with the configured periods."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from participation.accounts.models import SignInSession, User
from participation.accounts.sessions import record_sign_in
from participation.extensions import db
from participation.ideas.models import Comment, Follow
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import main_of


def _aged(obj, days: int):
    """Its id, after moving its creation `days` into the past."""
    obj.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return obj.id


def _run(runner) -> str:
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def _ids(model) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(model.id)))


def _mail(recipient: str, **columns) -> int:
    message = OutboxMessage(recipient=recipient, subject="Betreff", body="Text", **columns)
    db.session.add(message)
    db.session.commit()
    return message.id


def test_old_unconfirmed_accounts_without_content_are_deleted(app, runner):
    old_empty = _aged(create_user("alt@example.org", confirmed=False), 8)
    fresh = _aged(create_user("neu@example.org", confirmed=False), 6)
    confirmed = _aged(create_user("bestaetigt@example.org"), 400)
    with_role = _aged(create_user("rolle@example.org", confirmed=False, roles=("team",)), 30)
    with_idea = _aged(create_user("idee@example.org", confirmed=False), 30)
    idea = create_idea(db.session.get(User, with_idea))  # unconfirmed people cannot contribute
    db.session.add(Follow(idea_id=idea.id, user_id=old_empty))  # goes with the account
    db.session.commit()
    kept = {fresh, confirmed, with_role, with_idea}

    output = _run(runner)

    assert "1 unbestätigte Konten gelöscht (älter als 7 Tage)." in output
    assert "2 unbestätigte Konten mit Beiträgen oder Rollen bleiben erhalten." in output
    assert old_empty not in _ids(User)
    assert kept <= _ids(User)
    assert count_rows(Follow) == 1  # the author's own follow


def test_old_delivered_and_given_up_mails_are_deleted(app, runner):
    now = utcnow()
    old_sent = _mail("a@example.org", sent_at=now - timedelta(days=31))
    fresh_sent = _mail("b@example.org", sent_at=now - timedelta(days=29))
    unsent = _mail("c@example.org", created_at=now - timedelta(days=90))
    old_given_up = _mail(
        "d@example.org", created_at=now - timedelta(days=31), failed_at=now - timedelta(days=30)
    )
    fresh_given_up = _mail("e@example.org", created_at=now - timedelta(days=2), failed_at=now)

    output = _run(runner)

    assert "2 E-Mails aus dem Ausgang gelöscht" in output
    assert _ids(OutboxMessage) == {fresh_sent, unsent, fresh_given_up}
    assert old_sent not in _ids(OutboxMessage)
    assert old_given_up not in _ids(OutboxMessage)


def test_deleted_comments_lose_their_text_and_the_page_shows_the_placeholder(app, runner, client):
    idea = create_idea()
    published = create_comment(idea, body="Bleibt stehen", created_at=utcnow() - timedelta(400))
    deleted = create_comment(
        idea, body="Meine Telefonnummer 0123", state="deleted", created_at=utcnow() - timedelta(200)
    )

    output = _run(runner)

    assert "1 gelöschte Kommentare geleert." in output
    db.session.expire_all()
    assert db.session.get(Comment, deleted.id).body == ""
    assert db.session.get(Comment, published.id).body == "Bleibt stehen"
    page = main_of(client.get(f"/ideas/{idea.id}"))
    assert "Bleibt stehen" in page
    assert "0123" not in page
    assert "Dieser Kommentar wurde von der Verfasserin oder dem Verfasser gelöscht." in page


def test_a_second_run_changes_nothing_and_counts_stay_correct(app, runner):
    _aged(create_user(confirmed=False), 10)
    _mail("a@example.org", sent_at=utcnow() - timedelta(days=60))
    idea = create_idea(supports=2)
    create_comment(idea)
    create_comment(idea, body="Weg", state="deleted")

    first = _run(runner)
    second = _run(runner)

    assert "1 unbestätigte Konten gelöscht" in first
    assert "1 E-Mails aus dem Ausgang gelöscht" in first
    assert "0 unbestätigte Konten gelöscht" in second
    assert "0 E-Mails aus dem Ausgang gelöscht" in second
    assert "0 gelöschte Kommentare geleert." in second
    check = runner.invoke(args=["recount", "--check"])
    assert check.exit_code == 0, check.output
    assert "0 Abweichungen gefunden." in check.output


def test_periods_come_from_the_config(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_UNCONFIRMED_DAYS", 2)
    monkeypatch.setitem(app.config, "RETENTION_SENT_MAIL_DAYS", 1)
    person = _aged(create_user(confirmed=False), 3)
    _mail("a@example.org", sent_at=utcnow() - timedelta(days=2))

    output = _run(runner)

    assert "(älter als 2 Tage)" in output
    assert person not in _ids(User)
    assert count_rows(OutboxMessage) == 0


def test_the_datenschutz_page_lists_the_periods_the_command_applies(app, client):
    page = main_of(client.get("/datenschutz"))
    storage = page.split("Speicherdauer", 1)[1].split("Cookies", 1)[0]
    assert f"nach {app.config['RETENTION_UNCONFIRMED_DAYS']} Tagen" in storage
    assert f"{app.config['RETENTION_SENT_MAIL_DAYS']} Tage nach dem Versand" in storage
    assert "Öffentliche Beiträge" in storage
    sign_in_days = app.config["RETENTION_SIGN_IN_DAYS"]
    assert f"Ende) löschen wir {sign_in_days} Tage nach ihrem Ende" in storage
    assert "[Anzahl]" not in storage
    cookies = page.split("Cookies", 1)[1]
    assert f"„Angemeldet bleiben“, bleibt es {app.config['RESIDENT_REMEMBER_DAYS']} Tage" in cookies
    assert "bis Sie den Browser schließen" in cookies


def _sign_in(user, ended_days_ago: float | None = None, expires_in_days: float = 1) -> int:
    """A sign-in record; ended that many days ago, or running out in that many days."""
    now = utcnow()
    sign_in = record_sign_in(user, secrets.token_urlsafe(), remember=False, user_agent="")
    sign_in.created_at = sign_in.last_seen_at = now - timedelta(days=40)
    if ended_days_ago is None:
        sign_in.expires_at = now + timedelta(days=expires_in_days)
    else:
        sign_in.end(now - timedelta(days=ended_days_ago))
    db.session.commit()
    return sign_in.id


def test_sign_in_records_go_30_days_after_they_ended_or_ran_out(app, runner, as_user):
    anna = create_user("anna@example.org")
    old_signed_out = _sign_in(anna, ended_days_ago=31)
    old_run_out = _sign_in(anna, expires_in_days=-31)  # never looked at again
    recently_signed_out = _sign_in(anna, ended_days_ago=29)
    recently_run_out = _sign_in(anna, expires_in_days=-29)
    still_active = _sign_in(anna, expires_in_days=2)
    browser = as_user(anna)

    output = _run(runner)

    assert "2 Anmeldungen gelöscht (beendet oder abgelaufen vor mehr als 30 Tagen)." in output
    kept = _ids(SignInSession)
    assert {recently_signed_out, recently_run_out, still_active} < kept
    assert old_signed_out not in kept and old_run_out not in kept
    assert browser.get("/account").status_code == 200  # a session in use is no record to go
    assert "0 Anmeldungen gelöscht" in _run(runner)


def test_former_texts_in_the_moderation_log_go_after_six_months(app, runner):
    from participation import audit
    from participation.audit import AuditEntry

    comment = create_comment(create_idea(), body="Text", state="deleted")
    entries = {}
    for days in (184, 182):
        entry = audit.record(None, "comment.delete", comment, before=f"Nummer 0123 vor {days}")
        entry.created_at = utcnow() - timedelta(days=days)  # set before its INSERT
        db.session.commit()
        entries[days] = entry.id

    output = _run(runner)

    assert "1 frühere Texte im Moderationsprotokoll entfernt (älter als 183 Tage)." in output
    db.session.expire_all()
    old, recent = (db.session.get(AuditEntry, entries[days]) for days in (184, 182))
    assert (old.before, old.redacted_because) == (None, "retention")
    assert old.redacted_at is not None and old.action == "comment.delete"
    assert (recent.before, recent.redacted_at) == ("Nummer 0123 vor 182", None)
    assert "0 frühere Texte im Moderationsprotokoll entfernt" in _run(runner)


def test_the_datenschutz_page_names_the_log_period_and_deletion_at_the_account(app, client):
    page = main_of(client.get("/datenschutz"))
    storage = page.split("Speicherdauer", 1)[1].split("Cookies", 1)[0]
    months = round(app.config["RETENTION_MODERATION_TEXT_DAYS"] / 30.4)
    assert "Protokoll der Moderation bleiben frühere Fassungen von Beiträgen" in storage
    assert f"{months} Monate erhalten; dann entfernen wir sie." in storage
    assert "„Konto löschen“" in storage and "Gelöschtes Konto" in storage
    assert "[Frist ergänzen" not in storage
    rights = page.split("Ihre Rechte", 1)[1]
    assert "Unter „Konto löschen“ löschen Sie Ihr Konto ebenso selbst" in rights


def test_inbox_entries_and_their_events_go_after_the_period(app, runner, client):
    from participation.events import Event
    from participation.ideas import services as ideas
    from participation.notifications.models import Notification

    author = create_user("autorin@example.org")
    idea = create_idea(author, title="Bänke am Emsufer")
    talker = create_user("gespraechig@example.org")
    ideas.add_comment(talker, idea, "Alte Nachricht")
    db.session.commit()
    old_event = db.session.scalar(select(Event).where(Event.kind == "comment.published"))
    old_event.created_at = utcnow() - timedelta(days=181)
    old_id = old_event.id
    ideas.add_comment(talker, idea, "Neue Nachricht")
    db.session.commit()
    assert count_rows(Notification) == 2  # the author heard of both
    new_id = db.session.scalar(select(Event.id).where(Event.id != old_id))

    output = _run(runner)

    assert "1 Benachrichtigungen gelöscht (älter als 180 Tage)." in output
    assert _ids(Event) == {new_id}
    assert [n.event_id for n in db.session.scalars(select(Notification))] == [new_id]
    page = main_of(client.get("/datenschutz"))
    assert "Einträge im Postfach löschen wir 180 Tage nach dem Ereignis." in page
