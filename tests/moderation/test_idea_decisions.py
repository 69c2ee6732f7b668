"""Decisions on ideas: approve, reject and resubmit, hide and restore, dismiss, correct."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import Report
from participation.timeutil import utcnow
from tests.factories import (
    create_idea,
    create_user,
    get_field,
    get_municipality,
    link_from,
    notifications_of,
    outbox,
)
from tests.helpers import audit, field_error, html_of, idea_ids_in, main_of
from tests.moderation.helpers import create_report, create_template, idea_row, post


def reports_of(idea) -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).where(Report.idea_id == idea.id)))


@pytest.fixture
def author():
    return create_user(email="anna@example.org", display_name="Anna Autorin")


def pending_idea(author, **kwargs):
    idea = create_idea(author, state="pending", **kwargs)
    idea.submitted_at = utcnow() - timedelta(hours=5)
    db.session.commit()
    return idea


def test_approve_publishes_the_idea_and_tells_the_author(author, moderator, as_user, client):
    idea = pending_idea(author, title="Trinkbrunnen am Marktplatz aufstellen")
    mod, browser = moderator("moderator:rheine")
    page = f"/moderation/ideas/{idea.id}"
    assert "Wartet auf Prüfung" in main_of(browser.get(page))
    assert client.get(f"/ideas/{idea.id}").status_code == 404, "nobody else sees it yet"

    response = post(browser, f"/moderation/ideas/{idea.id}/approve", page=page)

    assert response.headers["Location"] == "/moderation"
    assert "„Trinkbrunnen am Marktplatz aufstellen“ ist freigegeben" in html_of(
        browser.get("/moderation")
    )
    row = idea_row(idea.id)
    assert row.state == "published"
    assert row.decided_at is not None and row.decided_at - row.submitted_at >= timedelta(hours=5)
    assert row.published_at is not None
    [entry] = audit("idea.publish")
    assert (entry.actor_id, entry.object_id, entry.before, entry.after) == (
        mod.id,
        idea.id,
        "pending",
        "published",
    )
    [mail] = outbox("anna@example.org")
    assert mail.subject == "Ihre Idee ist freigegeben: Trinkbrunnen am Marktplatz aufstellen"
    assert "„Trinkbrunnen am Marktplatz aufstellen“ ist freigegeben" in mail.body
    assert link_from(mail, "/ideas/") == f"/ideas/{idea.id}"
    [told] = notifications_of(author)
    assert (told.category, told.mailed_at is not None) == ("decisions", True)
    inbox = main_of(as_user(author).get("/benachrichtigungen"))
    assert "Ihre Idee „Trinkbrunnen am Marktplatz aufstellen“ ist freigegeben." in inbox
    assert idea.id in idea_ids_in(html_of(client.get("/ideas")))
    assert client.get(f"/ideas/{idea.id}").status_code == 200


def test_reject_without_template_or_reason_explains_and_changes_nothing(author, moderator):
    create_template("reject", "Doppelt")
    idea = pending_idea(author)
    _, browser = moderator("moderator:rheine")
    url = f"/moderation/ideas/{idea.id}/reject"

    response = post(browser, url, {"template": "0", "reason": "  "}, page=url)

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "reason") == (
        "Bitte wählen Sie eine Vorlage oder schreiben Sie eine Begründung."
    )
    assert "Bitte prüfen Sie Ihre Eingaben" in html
    row = idea_row(idea.id)
    assert (row.state, row.state_reason, row.decided_at) == ("pending", None, None)
    assert audit("idea.reject") == [] and outbox() == []


def test_reject_revise_and_resubmit(author, moderator, as_user):
    template = create_template(
        "reject",
        "Personenbezogene Daten",
        "Ihr Beitrag enthält personenbezogene Daten. Bitte entfernen Sie diese Angaben.",
    )
    idea = pending_idea(author, title="Lärm in der Nachbarschaft beenden")
    first_submission = idea_row(idea.id).submitted_at
    mod, browser = moderator("moderator:rheine")
    url = f"/moderation/ideas/{idea.id}/reject"
    assert f'<option value="{template.id}">Personenbezogene Daten</option>' in html_of(
        browser.get(url)
    )

    response = post(
        browser, url, {"template": str(template.id), "reason": "Bitte ohne Namen."}, page=url
    )

    assert response.headers["Location"] == "/moderation"
    reason = "Ihr Beitrag enthält personenbezogene Daten. Bitte entfernen Sie diese Angaben."
    reason += "\n\nBitte ohne Namen."
    row = idea_row(idea.id)
    assert (row.state, row.state_reason, row.reason_category) == (
        "rejected",
        reason,
        "Personenbezogene Daten",
    )
    assert row.decided_at is not None
    [entry] = audit("idea.reject")
    assert (entry.actor_id, entry.reason) == (mod.id, reason)
    [mail] = outbox("anna@example.org")
    assert mail.subject == "Ihre Idee wurde nicht freigegeben: Lärm in der Nachbarschaft beenden"
    assert reason in mail.body
    revise_path = link_from(mail, "/revise")
    assert revise_path == f"/ideas/{idea.id}/revise"

    # The author reads the reason where they look for it.
    anna = as_user(author)
    inbox = main_of(anna.get("/benachrichtigungen"))
    assert "„Lärm in der Nachbarschaft beenden“ wurde von der Moderation nicht freigegeben" in inbox
    assert "Bitte entfernen Sie diese Angaben." in inbox
    detail = main_of(anna.get(f"/ideas/{idea.id}"))
    assert "Nicht freigegeben" in detail and "Bitte ohne Namen." in detail
    assert f'href="{revise_path}"' in detail
    assert "Bitte ohne Namen." in main_of(anna.get("/account"))
    form = main_of(anna.get(revise_path))
    assert "Begründung der Moderation" in form and "Bitte ohne Namen." in form

    response = anna.submit(
        revise_path,
        {
            "title": "Ruhezeiten in Wohngebieten besser schützen",
            "body": "Ein Vorschlag ohne Namen: mehr Kontrollen der Ruhezeiten am Wochenende.",
            "field": str(get_field("verwaltung").id),
            "municipality": str(get_municipality("rheine").id),
        },
    )

    assert response.headers["Location"] == f"/ideas/{idea.id}"
    assert "erneut geprüft" in html_of(anna.get(f"/ideas/{idea.id}"))
    row = idea_row(idea.id)
    assert row.state == "pending"
    assert row.title == "Ruhezeiten in Wohngebieten besser schützen"
    assert row.submitted_at > first_submission
    assert (row.decided_at, row.state_reason, row.reason_category) == (None, None, None)
    [revise] = audit("idea.revise")
    assert revise.actor_id == author.id
    assert json.loads(revise.before)["title"] == "Lärm in der Nachbarschaft beenden"
    assert json.loads(revise.after)["title"] == "Ruhezeiten in Wohngebieten besser schützen"
    assert json.loads(revise.after)["field_id"] == get_field("verwaltung").id
    [resubmit] = audit("idea.resubmit")
    assert (resubmit.before, resubmit.after) == ("rejected", "pending")

    # Back in the queue, with its history.
    assert "Ruhezeiten in Wohngebieten besser schützen" in main_of(browser.get("/moderation"))
    moderation_page = main_of(browser.get(f"/moderation/ideas/{idea.id}"))
    history = moderation_page.split('id="history-title"', 1)[1]
    positions = [
        history.index(label)
        for label in ("Idee abgelehnt", "Idee überarbeitet", "Idee erneut eingereicht")
    ]
    assert positions == sorted(positions)
    state_box = moderation_page.split('<div class="state state-pending"', 1)[1].split("</div>")[0]
    assert "Wartet auf Prüfung" in state_box
    assert "Personenbezogene Daten" not in state_box, "the old rejection no longer labels it"

    assert anna.get(revise_path).status_code == 403, "only a rejected idea can be revised"


def test_reject_with_free_text_only(author, moderator, as_user):
    idea = pending_idea(author)
    _, browser = moderator("moderator:rheine")
    url = f"/moderation/ideas/{idea.id}/reject"

    post(browser, url, {"template": "0", "reason": "Bitte nennen Sie einen Ort."}, page=url)

    row = idea_row(idea.id)
    assert (row.state, row.state_reason, row.reason_category) == (
        "rejected",
        "Bitte nennen Sie einen Ort.",
        "Sonstiger Grund",
    )
    assert "Bitte nennen Sie einen Ort." in outbox("anna@example.org")[0].body
    assert "Bitte nennen Sie einen Ort." in main_of(as_user(author).get(f"/ideas/{idea.id}"))


def test_only_the_author_may_revise(author, as_user):
    idea = create_idea(author, state="rejected")
    other = as_user(create_user())
    assert other.get(f"/ideas/{idea.id}/revise").status_code == 404
    assert idea_row(idea.id).state == "rejected"


def test_hide_after_a_report_shows_a_placeholder_to_the_public(author, moderator, as_user, client):
    idea = create_idea(
        author,
        title="Parkplatzsituation vor der Schule",
        body="Herr Müller aus der Lindenstraße 5 parkt immer falsch.",
    )
    create_report(idea=idea, reason="personal_data")
    create_report(idea=idea, reason="insult")
    template = create_template("hide", "Persönliche Daten", "Der Beitrag nennt Dritte.")
    create_template("reject", "Nur zum Ablehnen")
    mod, browser = moderator("moderator:rheine")
    url = f"/moderation/ideas/{idea.id}/hide"
    form = main_of(browser.get(url))
    assert "Persönliche Daten" in form and "Nur zum Ablehnen" not in form

    response = post(browser, url, {"template": str(template.id), "reason": ""}, page=url)

    assert response.headers["Location"] == "/moderation"
    row = idea_row(idea.id)
    assert (row.state, row.state_reason, row.reason_category) == (
        "hidden",
        "Der Beitrag nennt Dritte.",
        "Persönliche Daten",
    )
    assert [(r.resolution, r.resolved_by_id) for r in reports_of(idea)] == [("hidden", mod.id)] * 2
    assert [e.actor_id for e in audit("idea.hide")] == [mod.id]
    public = client.get(f"/ideas/{idea.id}")
    assert public.status_code == 200
    page = html_of(public)
    assert "Von der Moderation ausgeblendet" in page
    assert "Grund: <strong>Persönliche Daten</strong>" in page
    assert "Lindenstraße" not in page and "Parkplatzsituation" not in page
    assert idea.id not in idea_ids_in(html_of(client.get("/ideas")))
    [mail] = outbox("anna@example.org")
    assert mail.subject == "Ihr Beitrag wurde ausgeblendet: Parkplatzsituation vor der Schule"
    assert "Der Beitrag nennt Dritte." in mail.body
    assert "antworten Sie auf diese E-Mail" in mail.body, "the author learns how to object"
    assert "Nichts zu tun" in main_of(browser.get("/moderation"))

    response = post(
        browser, f"/moderation/ideas/{idea.id}/restore", page=f"/moderation/ideas/{idea.id}"
    )

    assert response.headers["Location"] == f"/moderation/ideas/{idea.id}"
    row = idea_row(idea.id)
    assert (row.state, row.state_reason, row.reason_category) == ("published", None, None)
    assert "Lindenstraße" in html_of(client.get(f"/ideas/{idea.id}"))
    assert [e.actor_id for e in audit("idea.restore")] == [mod.id]
    restored = outbox("anna@example.org")[-1]
    assert restored.subject == "Ihr Beitrag ist wieder sichtbar: Parkplatzsituation vor der Schule"
    assert [n.event.data["action"] for n in notifications_of(author)] == ["hide", "restore"]
    inbox = main_of(as_user(author).get("/benachrichtigungen"))
    assert "Ihre Idee „Parkplatzsituation vor der Schule“ wurde ausgeblendet." in inbox
    assert "Ihre Idee „Parkplatzsituation vor der Schule“ ist wieder sichtbar." in inbox


def test_dismissing_reports_keeps_the_idea(author, moderator, client):
    idea = create_idea(author, body="Eine völlig harmlose Idee über Blumenkübel am Rathaus.")
    create_report(idea=idea, reason="spam")
    create_report(idea=idea, reason="off_topic")
    mod, browser = moderator("moderator:rheine")
    assert "2 Meldungen" in main_of(browser.get("/moderation"))

    response = post(browser, f"/moderation/ideas/{idea.id}/dismiss", page="/moderation")

    assert response.headers["Location"] == "/moderation"
    queue = main_of(browser.get("/moderation"))
    assert (
        "2 Meldung(en) geschlossen. Die Idee bleibt sichtbar." in queue and "Nichts zu tun" in queue
    )
    assert idea_row(idea.id).state == "published"
    assert [(r.resolution, r.resolved_by_id) for r in reports_of(idea)] == [
        ("dismissed", mod.id)
    ] * 2
    [entry] = audit("report.dismiss")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (mod.id, "ideas", idea.id)
    assert "Blumenkübel" in html_of(client.get(f"/ideas/{idea.id}"))
    assert outbox("anna@example.org") == []


def test_correcting_an_idea_records_before_and_after_and_tells_the_author(
    author, moderator, as_user, client
):
    idea = create_idea(
        author, title="Mehr Radwegge bauen", body="Radwegge nach Mesum, Tel. 0171 2345678."
    )
    mod, browser = moderator("moderator:rheine")
    url = f"/moderation/ideas/{idea.id}/correct"
    form = html_of(browser.get(url))
    assert 'value="Mehr Radwegge bauen"' in form and "Tel. 0171 2345678" in form

    missing_note = post(
        browser, url, {"title": "Mehr Radwege bauen", "body": "Radwege.", "note": ""}, page=url
    )
    assert missing_note.status_code == 200
    assert field_error(html_of(missing_note), "note") == (
        "Bitte sagen Sie der Autorin oder dem Autor, was Sie geändert haben."
    )
    assert idea_row(idea.id).title == "Mehr Radwegge bauen"

    response = post(
        browser,
        url,
        {
            "title": "Mehr Radwege bauen",
            "body": "Radwege nach Mesum.",
            "note": "Tippfehler und Telefonnummer entfernt",
        },
        page=url,
    )

    assert response.headers["Location"] == f"/moderation/ideas/{idea.id}"
    row = idea_row(idea.id)
    assert (row.title, row.body, row.state) == (
        "Mehr Radwege bauen",
        "Radwege nach Mesum.",
        "published",
    )
    [entry] = audit("idea.correct")
    assert entry.actor_id == mod.id and entry.reason == "Tippfehler und Telefonnummer entfernt"
    assert json.loads(entry.before) == {
        "title": "Mehr Radwegge bauen",
        "body": "Radwegge nach Mesum, Tel. 0171 2345678.",
    }
    assert json.loads(entry.after) == {"title": "Mehr Radwege bauen", "body": "Radwege nach Mesum."}
    [mail] = outbox("anna@example.org")
    assert mail.subject == "Die Moderation hat Ihren Beitrag korrigiert: Mehr Radwege bauen"
    assert "Was geändert wurde:\nTippfehler und Telefonnummer entfernt" in mail.body
    assert "0171" not in mail.body
    inbox = main_of(as_user(author).get("/benachrichtigungen"))
    assert "Die Moderation hat Ihre Idee „Mehr Radwege bauen“ korrigiert." in inbox
    public = html_of(client.get(f"/ideas/{idea.id}"))
    assert "Radwege nach Mesum." in public and "0171" not in public
    log = main_of(browser.get("/moderation/log?action=idea.correct"))
    assert "Idee korrigiert (Moderation)" in log and "Tel. 0171 2345678" in log


@pytest.mark.parametrize(
    ("state", "decision", "data"),
    [
        ("published", "approve", {}),
        ("pending", "restore", {}),
        ("published", "reject", {"reason": "Passt nicht."}),
        ("pending", "hide", {"reason": "Passt nicht."}),
        ("rejected", "approve", {}),
    ],
)
def test_a_decision_that_does_not_fit_the_state_changes_nothing(
    author, moderator, state, decision, data
):
    idea = create_idea(author, state=state)
    _, browser = moderator("moderator")
    page = f"/moderation/ideas/{idea.id}"
    response = post(browser, f"{page}/{decision}", data, page=page)
    assert response.status_code in (200, 302)
    shown = html_of(response) if response.status_code == 200 else html_of(browser.get(page))
    assert "kann nicht" in shown
    assert idea_row(idea.id).state == state
    assert outbox() == [] and audit(f"idea.{decision}") == []
