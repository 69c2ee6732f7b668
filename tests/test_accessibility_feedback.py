"""The accessibility statement and "Barriere melden": open to all, delivered through the outbox."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from markupsafe import escape

from participation import forms
from participation.accounts.models import User
from participation.extensions import db
from participation.outbox.models import OutboxMessage
from participation.strategy.services import get_page
from participation.timeutil import utcnow
from tests.factories import count_rows, create_user, outbox
from tests.helpers import csrf_token_from, field_error, html_of, main_of

FORM = "/barrierefreiheit/melden"
CONTACT = "barrierefreiheit@kreis-steinfurt.example"
SENDER = "petra.pruefer@example.org"
DESCRIPTION = "Der Knopf „Unterstützen“ wird vom Screenreader nur als „Button“ vorgelesen."
TOO_FAST = (
    "Das ging sehr schnell. Ihre Eingaben sind noch da: "
    "Bitte prüfen Sie sie kurz und senden Sie sie noch einmal ab."
)
HONEYPOT = "Ihre Eingabe konnte nicht gespeichert werden."
STATEMENT_PARTS = (
    "Stand der Vereinbarkeit mit den Anforderungen",
    "Nicht barrierefreie Inhalte",
    "Erstellung dieser Erklärung",
    "Feedback und Kontaktangaben",
    "Durchsetzungsverfahren",
)


@pytest.fixture
def contact(app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT", CONTACT)
    return CONTACT


def form_values(html: str) -> dict:
    started = re.search(r'<input[^>]*name="form_started"[^>]*value="([^"]+)"', html)
    assert started, "the form carries its start time"
    return {"csrf_token": csrf_token_from(html), "form_started": started[1]}


def report(browser, url: str = FORM, **fields):
    """Open the form, then send it with the given fields (and its hidden ones)."""
    hidden = form_values(html_of(browser.get(url)))
    data = {"place": "/ideas", "description": DESCRIPTION, "email": SENDER, **fields}
    return browser.client.post(FORM, data={**hidden, **data})


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


# The statement -----------------------------------------------------------------------------


def test_statement_follows_the_model_with_its_five_parts(client):
    response = client.get("/barrierefreiheit")

    assert response.status_code == 200
    html = main_of(response)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert [h for h in headings if h in STATEMENT_PARTS] == list(STATEMENT_PARTS)
    assert "<strong>teilweise vereinbar</strong>" in html
    assert "30.11.2026" in html
    assert "Portfolio-Matrix" in html and "axe-core" in html
    assert 'href="/barrierefreiheit/melden"' in html
    assert 'href="/impressum"' in html and "[E-Mail-Adresse]" in html
    assert (
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in html
    )
    assert "teilweise vereinbar" in get_page("barrierefreiheit").body


def test_every_page_links_to_the_form_with_its_own_address(client):
    html = html_of(client.get("/ideas?q=Radweg"))

    footer = html.split('<footer class="site-footer">', 1)[1]
    assert 'href="/barrierefreiheit/melden?seite=/ideas"' in footer  # no query: it may be personal
    assert field_value(html_of(client.get("/barrierefreiheit/melden?seite=%2Fideas")), "place") == (
        "/ideas"
    )


@pytest.mark.parametrize(
    "foreign", ["https://boese.example/", "//boese.example/x", "javascript:alert(1)", "/a\\b"]
)
def test_only_a_path_of_this_site_is_prefilled(client, foreign):
    response = client.get(FORM, query_string={"seite": foreign})

    assert response.status_code == 200
    assert field_value(html_of(response), "place") in (None, "")


# Sending -----------------------------------------------------------------------------------


def test_anonymous_report_reaches_the_contact_and_the_sender_gets_a_receipt(browser, contact):
    response = report(browser, url=f"{FORM}?seite=/ideas")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/barrierefreiheit/melden/danke")
    thanks = browser.get(response.headers["Location"])
    assert "<h1>Danke für Ihre Meldung</h1>" in html_of(thanks)
    [to_contact] = outbox(CONTACT)
    assert to_contact.subject == "Barriere gemeldet"
    assert DESCRIPTION in to_contact.body
    assert "/ideas" in to_contact.body and "http://localhost/ideas" in to_contact.body
    assert SENDER in to_contact.body
    [receipt] = outbox(SENDER)
    assert receipt.subject == "Ihre Meldung einer Barriere ist eingegangen"
    assert "http://localhost/barrierefreiheit" in receipt.body
    assert DESCRIPTION not in receipt.body  # nobody can send their own text to a stranger
    assert count_rows(OutboxMessage) == 2
    assert count_rows(User) == 0  # no account needed, none made


def test_without_an_address_there_is_no_receipt(browser, contact):
    response = report(browser, email="", place="")

    assert response.status_code == 302
    [only] = outbox()
    assert only.recipient == CONTACT
    assert "(keine Angabe – eine Antwort ist nicht möglich)" in only.body


def test_the_contact_defaults_to_the_sender_address_of_the_platform(browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "Zukunft ST <beteiligung@kreis-steinfurt.example>")

    assert report(browser, email="").status_code == 302

    assert [m.recipient for m in outbox()] == ["beteiligung@kreis-steinfurt.example"]


def test_one_receipt_an_hour_per_address_whatever_its_spelling(browser, contact):
    assert report(browser).status_code == 302
    assert report(browser, email=SENDER.upper()).status_code == 302

    assert len(outbox(CONTACT)) == 2
    assert len(outbox(SENDER)) == 1
    message = outbox(SENDER)[0]
    message.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert report(browser).status_code == 302
    assert len(outbox(SENDER)) == 2


def test_the_description_reaches_the_contact_as_plain_text(browser, contact):
    hostile = '<script>alert("x")</script> & [Link](javascript:alert(1)) **fett**'

    assert report(browser, description=hostile).status_code == 302

    [to_contact] = outbox(CONTACT)
    assert hostile in to_contact.body
    assert "&lt;script" not in to_contact.body and "&amp;" not in to_contact.body


def test_a_blocked_account_may_still_report_a_barrier(as_user, contact):
    person = create_user()
    person.blocked_at = utcnow()
    person.blocked_until = utcnow() + timedelta(days=7)
    person.blocked_reason = "Wiederholt beleidigende Kommentare"
    db.session.commit()
    browser = as_user(person)

    response = report(browser, email="")

    assert response.status_code == 302
    assert len(outbox(CONTACT)) == 1


# Refused -----------------------------------------------------------------------------------


def test_a_filled_honeypot_is_refused_and_the_text_kept(browser, contact):
    response = report(browser, website="https://billige-uhren.example")

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "form_started") == HONEYPOT
    assert textarea(html, "description") == str(escape(DESCRIPTION))
    assert field_value(html, "email") == SENDER
    assert outbox() == []


def test_a_report_sent_too_fast_is_refused_and_the_text_kept(browser, app, contact, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)

    response = report(browser)

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "form_started") == TOO_FAST
    assert textarea(html, "description") == str(escape(DESCRIPTION))
    assert outbox() == []


def test_a_report_after_a_human_pause_goes_through(browser, app, contact, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)
    earlier = time.time() - 10
    with monkeypatch.context() as patch:
        patch.setattr(forms, "time", SimpleNamespace(time=lambda: earlier))
        hidden = form_values(html_of(browser.get(FORM)))

    response = browser.client.post(FORM, data={**hidden, "description": DESCRIPTION})

    assert response.status_code == 302
    assert len(outbox(CONTACT)) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": ""}, "description", "Bitte beschreiben Sie die Barriere."),
        ({"description": "   \n "}, "description", "Bitte beschreiben Sie die Barriere."),
        (
            {"description": "x" * 2001},
            "description",
            "Die Beschreibung darf höchstens 2000 Zeichen lang sein.",
        ),
        (
            {"description": "Unsichtbar\x1b[31m rot"},
            "description",
            "Die Eingabe enthält unzulässige Steuerzeichen.",
        ),
        ({"place": "/" + "a" * 300}, "place", "Die Angabe darf höchstens 300 Zeichen lang sein."),
        (
            {"email": "kein-at-zeichen"},
            "email",
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
        ),
    ],
)
def test_wrong_input_is_shown_at_its_field(browser, contact, fields, field, message):
    response = report(browser, **fields)

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, field) == message
    assert 'id="error-summary"' in html
    assert outbox() == []


def test_the_longest_description_allowed_goes_through(browser, contact):
    assert report(browser, description="ä" * 2000).status_code == 302
    assert "ä" * 2000 in outbox(CONTACT)[0].body


def test_nul_bytes_and_missing_csrf_are_refused(browser, contact):
    assert report(browser, description="Null\x00Byte").status_code == 400
    response = browser.client.post(FORM, data={"description": DESCRIPTION})
    assert response.status_code == 400
    assert outbox() == []


def test_an_address_that_sends_too_many_is_stopped(browser, app, contact, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_REPORT_RATE_LIMIT_PER_ADDRESS", "2 per hour")

    assert report(browser, description="").status_code == 200  # errors do not count
    answers = [report(browser).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert len(outbox(CONTACT)) == 2


def test_the_footer_link_never_carries_a_secret_links_token(browser):
    """On a reset page the footer points to the form without the page: the path holds the
    token, which must not travel into a form, a mail or a Referer."""
    create_user("anna@example.org")
    browser.submit("/password/forgot", {"email": "anna@example.org"})
    reset_link = re.search(r"http://localhost(/password/reset/\S+)", outbox()[0].body)[1]
    token = reset_link.rsplit("/", 1)[1]

    page = html_of(browser.get(reset_link))

    footer_link = re.search(r'href="(/barrierefreiheit/melden[^"]*)"', page)[1]
    assert token not in footer_link and "seite" not in footer_link
    idea_page_link = re.search(
        r'href="(/barrierefreiheit/melden[^"]*)"', html_of(browser.get("/ideas"))
    )[1]
    assert "seite=/ideas" in idea_page_link.replace("%2F", "/")
