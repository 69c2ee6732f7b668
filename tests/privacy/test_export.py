"""The data export (DSGVO Art. 15/20): from /account, after the password, everything
stored about the person as JSON or a readable page, and nothing about anyone else."""

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from participation.accounts.models import SignInSession
from participation.audit import AuditEntry
from participation.extensions import db
from participation.ideas import services as ideas
from participation.ideas.models import Follow, Idea, Support
from participation.moderation import decisions
from participation.moderation.services import file_report
from participation.outbox.models import OutboxMessage
from participation.projects.models import Project, ProjectFollow
from participation.rating.models import Assessment
from participation.rating.services import rate_idea
from participation.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    channels_of,
    choose_channels,
    create_comment,
    create_idea,
    create_user,
    notifications_of,
    outbox,
)
from tests.helpers import field_error, html_of, main_of
from tests.privacy.helpers import submit_idea_as

EXPORT = "/account/export"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
# What belongs to other people: none of it may appear in the person's export.
OTHERS = {
    "moderator_mail": "mona.moderatorin@kreis.example",
    "moderator_name": "Mona Moderatorin",
    "reporter_mail": "rita.reporterin@example.org",
    "reporter_name": "Rita Reporterin",
    "reporter_note": "RITA-NOTIZ beleidigend gemeint",
    "other_mail": "bernd.anders@example.org",
    "other_mail_subject": "BERND-BETREFF nur für Bernd",
    "colleague_note": "FREMDE-NOTIZ Kämmerei sagt nein",
    "pending_title": "BERNDS-ENTWURF noch nicht geprüft",
}
RESET_TOKEN = "SchluesselTokenXYZ.abc123"


@pytest.fixture
def world(app):
    """Anna (an association) with ideas in four states, comments, supports, follows,
    a report and mails; around her a moderator, a reporter and another resident."""
    anna = create_user(
        "anna@example.org",
        display_name="Anna Aktiv",
        kind="association",
        organisation_name="Heimatverein Emsaue",
        municipality="rheine",
    )
    mona = create_user(
        OTHERS["moderator_mail"], display_name=OTHERS["moderator_name"], roles=("moderator",)
    )
    rita = create_user(OTHERS["reporter_mail"], display_name=OTHERS["reporter_name"])
    bernd = create_user(OTHERS["other_mail"], display_name="Bernd Anders")

    pending = submit_idea_as(anna, "Bürgerbus am Sonntag")
    published = submit_idea_as(anna, "Mitfahrbank am Markt")
    decisions.approve_idea(mona, published)
    rejected = submit_idea_as(anna, "Parkhaus abreißen")
    decisions.reject_idea(mona, rejected, "ANNA-GRUND: Bitte nennen Sie den Ort genauer.")
    hidden = submit_idea_as(anna, "Radweg mit Telefonnummer")
    decisions.approve_idea(mona, hidden)
    decisions.hide_idea(mona, hidden, "ANNA-AUSBLENDEN: Telefonnummer entfernt bitte.")
    db.session.commit()
    file_report(rita, reason="insult", note=OTHERS["reporter_note"], idea=published)

    berndes = create_idea(bernd, title="Bernds Idee: Wochenmarkt am Abend")
    berndes_draft = create_idea(bernd, state="pending", title=OTHERS["pending_title"])
    bernd_comment = create_comment(berndes, bernd, body="Bernds eigener Kommentar")
    reply = create_comment(berndes, anna, body="ANNA-KOMMENTAR: gute Idee!", parent=bernd_comment)
    ideas.support_idea(anna, berndes)
    ideas.follow_idea(anna, berndes)
    db.session.add(Support(idea_id=berndes_draft.id, user_id=anna.id))  # made while public
    db.session.add(Follow(idea_id=berndes_draft.id, user_id=anna.id))
    file_report(
        anna, reason="spam", note="ANNA-MELDUNG sieht nach Werbung aus", comment=bernd_comment
    )
    file_report(anna, reason="off_topic", idea=berndes)
    project = Project(title="Mitfahrbänke im ganzen Kreis")
    db.session.add(project)
    db.session.flush()
    db.session.add(ProjectFollow(project_id=project.id, user_id=anna.id))
    db.session.add(
        OutboxMessage(
            recipient=anna.email,
            subject="Neues Passwort festlegen",
            body=f"Link: https://zukunft.example/password/reset/{RESET_TOKEN} gilt 2 Stunden",
        )
    )
    db.session.add(
        OutboxMessage(
            recipient=bernd.email,
            subject=OTHERS["other_mail_subject"],
            body=f"Für {OTHERS['moderator_name']}",
        )
    )
    anna.last_login_at = utcnow()
    db.session.commit()
    return {
        "anna": anna,
        "ideas": {"pending": pending, "published": published, "rejected": rejected},
        "hidden": hidden,
        "berndes": berndes,
        "draft": berndes_draft,
        "reply": reply,
        "project": project,
    }


def export(browser, fmt: str = "json", password: str = PASSWORD):
    return browser.submit(EXPORT, {**browser.identity(password), "format": fmt})


def export_json(browser) -> dict:
    response = export(browser)
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_the_account_page_leads_to_a_form_that_asks_for_the_password(world, as_user):
    browser = as_user(world["anna"])
    account = main_of(browser.get("/account"))
    assert f'href="{EXPORT}"' in account and "Meine Daten herunterladen" in account

    page = main_of(browser.get(EXPORT))
    assert '<label for="password">Ihr Passwort</label>' in page
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert "<legend>Format</legend>" in page
    assert "JSON zum Herunterladen" in page and "Lesbare Übersicht (HTML)" in page
    assert "Was der Export enthält" in page
    assert "Ihre Anmeldungen: auf welchem Browser" in page
    assert "Einzelne Anmeldungen speichern wir nicht" not in page
    assert 'name="csrf_token"' in page


def test_a_wrong_password_downloads_nothing_and_counts_as_a_failure(world, as_user):
    browser = as_user(world["anna"])
    response = export(browser, password="falsches Passwort")
    assert response.status_code == 200
    assert "Content-Disposition" not in response.headers
    html = html_of(response)
    assert "nicht richtig" in field_error(html, "password")
    assert world["anna"].email not in main_of(response)

    for _ in range(3):
        export(browser, password="falsches Passwort")
    fifth = export(browser, password="falsches Passwort")
    assert fifth.status_code == 429  # the account's sign-in failures: a wait is asked
    assert "Zu viele Fehlversuche" in field_error(html_of(fifth), "password")
    assert "Retry-After" in fifth.headers


def test_a_missing_password_is_asked_for(world, as_user):
    response = export(as_user(world["anna"]), password="")
    assert field_error(html_of(response), "password") == "Bitte geben Sie Ihr Passwort ein."
    assert "Content-Disposition" not in response.headers


def test_the_json_download_is_an_uncached_attachment(world, as_user):
    response = export(as_user(world["anna"]))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="?zukunft-st-daten-(\S+)\.json"?', disposition)
    day = re.search(r"daten-(\d{4}-\d{2}-\d{2})", disposition).group(1)
    assert abs(date.fromisoformat(day) - date.today()).days <= 1  # the district's day
    assert response.headers["Cache-Control"] == "no-store"


def test_the_json_has_every_section_with_the_values_in_the_database(world, as_user):
    anna = world["anna"]
    browser = as_user(anna)
    choose_channels(anna, followed="weekly")
    first = notifications_of(anna)[0]
    read = browser.submit(f"/benachrichtigungen/{first.id}/gelesen", {}, "/benachrichtigungen")
    assert read.status_code == 302
    data = export_json(browser)
    assert list(data) == [
        "export",
        "notes",
        "profile",
        "organisation",
        "sign_ins",
        "roles",
        "ideas",
        "photos",
        "comments",
        "supports",
        "follows",
        "reports",
        "mails",
        "notifications",
        "assessments",
    ]
    db.session.expire_all()
    assert data["profile"]["email"] == "anna@example.org"
    assert data["profile"]["display_name"] == "Anna Aktiv"
    assert data["profile"]["municipality"] == "Rheine"
    assert data["organisation"] == {
        "kind": "association",
        "kind_label": "Verein oder Verband",
        "name": "Heimatverein Emsaue",
    }
    signed_in = db.session.get(type(anna), anna.id).last_login_at
    assert data["sign_ins"]["last_login_at"] == signed_in.replace(microsecond=0).isoformat() + "Z"
    assert [device["active"] for device in data["sign_ins"]["devices"]] == [True]
    assert data["roles"] == [] and data["assessments"] == []
    # The choices of channel and every inbox entry, as the notification centre stores them.
    assert not {"notify_comments", "notify_state_changes"} & set(data["profile"])
    assert data["notifications"]["channels"] == channels_of(anna)
    assert data["notifications"]["channels"]["followed"] == "weekly"
    entries = data["notifications"]["entries"]
    stored = notifications_of(anna)
    assert [entry["text"] for entry in entries] == [
        "Ihre Idee „Mitfahrbank am Markt“ ist freigegeben.",
        "Ihre Idee „Parkhaus abreißen“ wurde von der Moderation nicht freigegeben.",
        "Ihre Idee „Radweg mit Telefonnummer“ ist freigegeben.",
        "Ihre Idee „Radweg mit Telefonnummer“ wurde ausgeblendet.",
    ]
    assert [e["created_at"] for e in entries] == [
        n.created_at.replace(microsecond=0).isoformat() + "Z" for n in stored
    ]
    assert [e["read_at"] is not None for e in entries] == [True, False, False, False]
    assert all(e["mailed_at"] is not None for e in entries)  # decisions come at once
    html = main_of(export(browser, fmt="html"))
    assert "Benachrichtigungen (4)" in html
    assert "Neues zu Ideen, denen ich folge oder die ich unterstütze" in html
    assert "Wöchentliche Zusammenfassung per E-Mail" in html
    assert "Ihre Idee „Parkhaus abreißen“ wurde von der Moderation nicht freigegeben." in html


def test_each_sign_in_is_listed_with_browser_and_times_but_no_one_elses(world, new_browser):
    anna, other = world["anna"], create_user("bernd@example.org")
    devices = {}
    for name, agent in (("phone", FIREFOX_ANDROID), ("laptop", CHROME_WINDOWS)):
        devices[name] = new_browser()
        devices[name].client.environ_base["HTTP_USER_AGENT"] = agent
        devices[name].login(anna.email)
    new_browser().login(other.email)
    devices["phone"].logout()

    data = export_json(devices["laptop"])
    html = main_of(export(devices["laptop"], fmt="html"))

    rows = db.session.scalars(
        select(SignInSession).where(SignInSession.user_id == anna.id).order_by(SignInSession.id)
    ).all()
    listed = data["sign_ins"]["devices"]
    assert [(d["browser"], d["active"]) for d in listed] == [
        ("Firefox auf Android", False),
        ("Chrome auf Windows", True),
    ]
    phone, laptop = listed
    assert phone["signed_in_at"] == rows[0].created_at.replace(microsecond=0).isoformat() + "Z"
    assert phone["ended_at"] == rows[0].ended_at.replace(microsecond=0).isoformat() + "Z"
    assert laptop["last_seen_at"] is not None and laptop["ended_at"] is None
    assert "Firefox auf Android: angemeldet am" in html and "beendet am" in html
    assert "Chrome auf Windows: angemeldet am" in html and "noch angemeldet" in html
    assert "Einzelne Anmeldungen" not in html
    assert any("30 Tage nach ihrem Ende" in note for note in data["notes"])


def test_ideas_come_in_every_state_with_their_history(world, as_user):
    data = export_json(as_user(world["anna"]))
    stored = db.session.scalars(select(Idea).where(Idea.author_id == world["anna"].id)).all()
    assert {i["id"]: i["state"] for i in data["ideas"]} == {i.id: i.state for i in stored}
    assert {i["state"] for i in data["ideas"]} == {"pending", "published", "rejected", "hidden"}
    by_title = {idea["title"]: idea for idea in data["ideas"]}

    rejected = by_title["Parkhaus abreißen"]
    assert rejected["reason"] == "ANNA-GRUND: Bitte nennen Sie den Ort genauer."
    assert [(s["action"], s["by"]) for s in rejected["history"]] == [
        ("idea.submit", "Sie selbst"),
        ("idea.reject", "Moderation"),
    ]
    assert rejected["history"][1]["reason"] == rejected["reason"]
    assert rejected["history"][1]["state_before"] == "pending"
    assert rejected["history"][1]["state_after"] == "rejected"
    hidden = by_title["Radweg mit Telefonnummer"]
    assert [s["action"] for s in hidden["history"]] == ["idea.submit", "idea.publish", "idea.hide"]
    assert hidden["history"][2]["reason"] == "ANNA-AUSBLENDEN: Telefonnummer entfernt bitte."
    log = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "ideas", AuditEntry.object_id == world["hidden"].id)
        .order_by(AuditEntry.id)
    ).all()
    created = [e.created_at.replace(microsecond=0).isoformat() + "Z" for e in log]
    assert [s["at"] for s in hidden["history"]] == created
    assert all(s["at"].endswith("Z") for i in data["ideas"] for s in i["history"])


def test_contributions_follows_reports_and_mails_are_all_there(world, as_user):
    anna = world["anna"]
    data = export_json(as_user(anna))
    berndes, draft, reply = world["berndes"], world["draft"], world["reply"]

    [comment] = data["comments"]
    assert comment["id"] == reply.id and comment["body"] == "ANNA-KOMMENTAR: gute Idee!"
    assert comment["idea_title"] == berndes.title and comment["reply_to"] == reply.parent_id
    supports = {s["idea_id"]: s["idea_title"] for s in data["supports"]}
    assert supports == {berndes.id: berndes.title, draft.id: None}  # not public: no title
    stored = db.session.scalars(select(Support.idea_id).where(Support.user_id == anna.id))
    assert set(supports) == set(stored)
    follows = db.session.scalars(select(Follow.idea_id).where(Follow.user_id == anna.id))
    assert {f["idea_id"] for f in data["follows"]["ideas"]} == set(follows)
    assert data["follows"]["projects"][0]["project_title"] == "Mitfahrbänke im ganzen Kreis"

    reports = {r["target"]: r for r in data["reports"]}
    assert reports["comment"]["comment_id"] == reply.parent_id  # Bernd's comment
    assert reports["comment"]["note"] == "ANNA-MELDUNG sieht nach Werbung aus"
    assert reports["comment"]["reason_label"] == "Werbung oder Spam"
    assert reports["idea"]["idea_id"] == berndes.id
    assert reports["idea"]["resolution"] is None

    subjects = [m["subject"] for m in data["mails"]]
    assert subjects == [m.subject for m in outbox(anna.email)]
    assert len(subjects) >= 5  # three decisions, a hide and the reset mail
    reset = next(m for m in data["mails"] if m["subject"] == "Neues Passwort festlegen")
    assert "/password/reset/[Link entfernt]" in reset["body"]
    assert RESET_TOKEN not in json.dumps(data)


def test_mails_to_a_new_address_being_confirmed_are_there_without_their_link(world, as_user):
    anna = world["anna"]
    browser = as_user(anna)
    browser.submit("/account/email", {**browser.identity(), "email": "anna.neu@example.org"})
    [link_mail] = outbox("anna.neu@example.org")

    data = export_json(browser)

    exported = next(m for m in data["mails"] if m["subject"] == link_mail.subject)
    assert "/confirm/[Link entfernt]" in exported["body"]
    token = link_mail.body.split("/confirm/", 1)[1].split()[0]
    assert token not in json.dumps(data)


def test_the_readable_page_shows_the_same(world, as_user):
    response = export(as_user(world["anna"]), fmt="html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Disposition" not in response.headers
    html = main_of(response)
    assert "<h1>Ihre gespeicherten Daten</h1>" in html
    for text in (
        "anna@example.org",
        "Heimatverein Emsaue",
        "Bürgerbus am Sonntag",
        "Wartet auf Prüfung",
        "Nicht freigegeben",
        "ANNA-GRUND: Bitte nennen Sie den Ort genauer.",
        "ANNA-AUSBLENDEN: Telefonnummer entfernt bitte.",
        "ANNA-KOMMENTAR: gute Idee!",
        "ANNA-MELDUNG sieht nach Werbung aus",
        "Mitfahrbänke im ganzen Kreis",
        "Neues Passwort festlegen",
    ):
        assert text in html, text
    assert f"Idee Nr. {world['draft'].id} (nicht öffentlich)" in html


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_nothing_about_anyone_else(world, as_user, fmt):
    response = export(as_user(world["anna"]), fmt=fmt)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "ANNA-MELDUNG" in text  # her own data is there
    for name, marker in OTHERS.items():
        assert marker not in text, name
    assert "Bernd Anders" not in text


def test_staff_get_their_own_ratings_and_notes_but_no_colleagues(world, as_user):
    klara = create_user(display_name="Klara Kommission", roles=("committee",))
    colleague = create_user(display_name="Kurt Kollege", roles=("team",))
    berndes = world["berndes"]
    rate_idea(klara, berndes, 4, 2, "KLARA-NOTIZ: Markt fragt nach Strom")
    rate_idea(colleague, berndes, 1, 1, OTHERS["colleague_note"])
    db.session.commit()

    data = export_json(as_user(klara))
    own = db.session.scalar(select(Assessment).where(Assessment.rater_id == klara.id))
    assert data["assessments"] == [
        {
            "idea_id": berndes.id,
            "idea_title": berndes.title,
            "relevance": own.relevance,
            "feasibility": own.feasibility,
            "note": "KLARA-NOTIZ: Markt fragt nach Strom",
            "created_at": own.created_at.replace(microsecond=0).isoformat() + "Z",
            "updated_at": own.updated_at.replace(microsecond=0).isoformat() + "Z",
        }
    ]
    assert [r["role_label"] for r in data["roles"]] == ["Lenkungsausschuss"]
    html = main_of(export(as_user(klara), fmt="html"))
    assert "KLARA-NOTIZ: Markt fragt nach Strom" in html
    for text in (json.dumps(data), html):
        assert OTHERS["colleague_note"] not in text and "Kurt Kollege" not in text


def test_anonymous_people_are_sent_to_login(world, browser):
    assert "/login" in browser.get(EXPORT).headers["Location"]
    response = browser.submit(EXPORT, {"password": PASSWORD}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_blocked_person_may_still_download(world, as_user):
    anna = world["anna"]
    browser = as_user(anna)
    anna.blocked_at, anna.blocked_reason = utcnow(), "ANNA-SPERRE wegen Beleidigung"
    db.session.commit()
    data = export_json(browser)
    assert data["profile"]["blocked"]["reason"] == "ANNA-SPERRE wegen Beleidigung"
    assert data["profile"]["blocked"]["blocked_until"] is None
    assert len(data["ideas"]) == 4


def test_a_person_with_nothing_yet_gets_empty_sections(as_user):
    newcomer = create_user(confirmed=False)
    data = export_json(as_user(newcomer))
    assert data["sign_ins"]["confirmed_at"] is None
    for section in ("ideas", "comments", "supports", "reports", "assessments", "roles"):
        assert data[section] == []
    assert data["follows"] == {"ideas": [], "projects": []}
    assert db.session.scalar(select(AuditEntry.id).limit(1)) is None  # it wrote nothing


def test_an_automatic_hide_after_reports_names_no_reporter(app, world, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", 2)
    published = world["ideas"]["published"]
    file_report(create_user(display_name="Zweite Melderin"), reason="spam", idea=published)
    db.session.commit()
    assert db.session.get(Idea, published.id).state == "hidden"

    data = export_json(as_user(world["anna"]))
    [idea] = [i for i in data["ideas"] if i["id"] == published.id]
    last = idea["history"][-1]
    assert (last["action"], last["by"], last["state_after"]) == (
        "idea.hide",
        "Automatisch (System)",
        "hidden",
    )
    assert last["reason"].startswith("Automatisch ausgeblendet nach 2 Meldungen")
    text = json.dumps(data, ensure_ascii=False)
    assert "Zweite Melderin" not in text and OTHERS["reporter_name"] not in text


def test_downloads_are_rate_limited_per_person(world, as_user):
    browser = as_user(world["anna"])
    statuses = [export(browser).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]  # ACCOUNT_RATE_LIMIT: 5 per minute
