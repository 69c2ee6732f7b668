"""Two gunicorn servers behind deploy/nginx's site, as a district with more visitors runs
the platform: whichever server answers, a person sees the same site. Sessions, rate
limits, supports, photos and the outbox all live in what the servers share (PostgreSQL,
Redis, the photo folder), never in one server's memory.

Every request goes through nginx over https; nginx's X-Upstream (added by the test's
nginx.conf only) tells which server answered.
"""

import re
import socket
import ssl
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from config import BASE_DIR, ProductionConfig
from participation.accounts.models import User, UserKind
from participation.accounts.sessions import start_session
from participation.extensions import db
from participation.ideas.models import Idea, Support
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.deployment.stack import finish, flask_command, hidden_fields, upstream
from tests.factories import create_idea, get_field, get_municipality
from tests.photos import images

PASSWORD = "ein sicheres Passwort auf zwei Servern"
SUPPORTERS = 200


@cache
def password_hash() -> str:
    """PASSWORD hashed once, with the parameters the app uses in production (the test
    session's own hasher is the cheap one of tests/conftest.py): a sign-in costs what it
    costs there, and the app does not hash it anew."""
    return PasswordHasher().hash(PASSWORD)


def create_people(stack, count: int, name: str) -> list[str]:
    """Confirmed residents with PASSWORD; their e-mail addresses."""
    with stack.database():
        tag = f"{name}-{time.monotonic_ns()}"
        people = [
            User(
                email=f"{tag}-{n}@example.org",
                display_name=f"{name.title()} {n}",
                password_hash=password_hash(),
                kind=UserKind.RESIDENT,
                confirmed_at=utcnow(),
            )
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.commit()
        return [person.email for person in people]


def signed_in(stack, email: str, address: str):
    browser = stack.visitor(address)
    response = browser.sign_in(email, PASSWORD)
    assert response.status_code == 302, f"sign-in failed: {response.status_code}"
    return browser


def both(stack, responses) -> bool:
    return {upstream(response) for response in responses} == set(stack.upstreams)


# --- sessions --------------------------------------------------------------------------


def test_a_session_begun_on_one_server_holds_on_the_other_and_ends_on_both(two_servers):
    [email] = create_people(two_servers, 1, "sitzung")
    browser = signed_in(two_servers, email, "127.10.0.1")
    # The same cookie, copied to another device: what someone who stole it would hold.
    copy = two_servers.visitor("127.10.0.2")
    copy.http.cookies.update(browser.http.cookies)

    pages = [visitor.get("/account") for visitor in (browser, copy) for _ in range(2)]
    assert [page.status_code for page in pages] == [200] * 4
    assert all("Sitzung 0" in page.text for page in pages)
    assert both(two_servers, pages)

    fields = browser.form("/account", "/logout")
    assert browser.post("/logout", data=fields).status_code == 302
    after = [copy.get("/account") for _ in range(2)]
    assert [page.status_code for page in after] == [302, 302]
    assert all("/login" in page.headers["Location"] for page in after)
    assert both(two_servers, after)


# --- rate limits -----------------------------------------------------------------------


def test_rate_limits_count_the_requests_to_both_servers_together_per_client_address(
    two_servers,
):
    # "Passwort vergessen": its address limit is what holds back a flood of mails.
    allowed = int(ProductionConfig.MAILED_LINK_RATE_LIMIT_PER_ADDRESS.split()[0])
    browser, neighbour = two_servers.visitor("127.20.0.1"), two_servers.visitor("127.20.0.2")
    # The form once: nginx takes turns, so the posts alternate between the servers.
    forms = {visitor: visitor.form("/password/forgot") for visitor in (browser, neighbour)}

    def ask(visitor, n: int, **headers):
        data = {**forms[visitor], "email": f"niemand-{n}@example.org"}
        return visitor.post("/password/forgot", data=data, headers=headers)

    answers = [ask(browser, n) for n in range(allowed + 1)]
    assert [a.status_code for a in answers] == [200] * allowed + [429]
    assert both(two_servers, answers[:allowed])
    # The app takes the address nginx saw, not one the client claims...
    assert ask(browser, 0, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    # ...nor nginx's own: another client has an allowance of its own.
    assert ask(neighbour, 0).status_code == 200


# --- supports --------------------------------------------------------------------------


def begin_sessions(stack, emails: list[str]) -> list[tuple[str, str]]:
    """A session cookie and a CSRF token per person, begun by the app's own start_session
    as their sign-in would begin it. The form itself is the session test's; 200 Argon2
    checks at production cost would take most of this module's time."""
    app = stack.app
    cookies = app.session_interface.get_signing_serializer(app)
    begun = []
    for email in emails:
        # A request (and app context) each, as each sign-in has: `g` holds who signed in.
        with app.test_request_context("/login", method="POST"):
            start_session(db.session.scalar(select(User).where(User.email == email)))
            token = generate_csrf()
            db.session.commit()
            begun.append((cookies.dumps(dict(session)), token))
    return begun


def test_two_hundred_people_supporting_at_once_on_both_servers_count_exactly(two_servers, progress):
    with two_servers.database():
        author = User(
            email="autorin-unterstuetzung@example.org",
            display_name="Autorin",
            password_hash=password_hash(),
            kind=UserKind.RESIDENT,
            confirmed_at=utcnow(),
        )
        db.session.add(author)
        db.session.flush()
        idea_id = create_idea(author, title="Mehr Fahrradbügel am Bahnhof Rheine").id
    emails = create_people(two_servers, SUPPORTERS, "unterstuetzerin")
    # Each from an address of their own, as people at home are.
    browsers = [two_servers.visitor(f"127.30.{n // 250}.{n % 250 + 1}") for n in range(SUPPORTERS)]
    sessions = begin_sessions(two_servers, emails)
    for browser, (cookie, _token) in zip(browsers, sessions, strict=True):
        browser.http.cookies.set(two_servers.app.config["SESSION_COOKIE_NAME"], cookie)
    support = f"/ideas/{idea_id}/support"
    # Everyone taps twice: both requests leave together (each pair meets at a barrier).
    pairs = [threading.Barrier(2, timeout=60) for _ in range(SUPPORTERS)]

    def tap(n: int):
        pairs[n].wait()
        return browsers[n].post(
            support, data={"csrf_token": sessions[n][1]}, headers={"Accept": "application/json"}
        )

    started = time.monotonic()
    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(tap, [n for n in range(SUPPORTERS) for _ in range(2)]))
    progress(f"{2 * SUPPORTERS} Unterstützungen in {time.monotonic() - started:.1f} s")

    assert Counter(a.status_code for a in answers) == {200: 2 * SUPPORTERS}
    assert all(a.json()["supported"] is True for a in answers)
    assert both(two_servers, answers)
    assert max(a.json()["count"] for a in answers) == SUPPORTERS
    with two_servers.database():
        rows = select(func.count()).select_from(Support).where(Support.idea_id == idea_id)
        assert db.session.scalar(rows) == SUPPORTERS
        idea = db.session.get(Idea, idea_id)
        assert (idea.support_count, idea.recent_support_count) == (SUPPORTERS, SUPPORTERS)
    page = two_servers.visitor("127.30.9.1").get(f"/ideas/{idea_id}")
    assert f"{SUPPORTERS} Personen unterstützen diese Idee." in page.text


# --- photos ----------------------------------------------------------------------------

PHOTO_ADDRESS = re.compile(r"/(?:ideas/\d+/)?fotos/[^\s\"']+\.webp")


def idea_form(stack, browser) -> dict[str, str]:
    """The idea form's own fields plus what a person types, once the form's minimum fill
    time (against bots) has passed."""
    fields = browser.form("/ideas/new")
    with stack.database():
        chosen = {
            "field": str(get_field("mobilitaet").id),
            "municipality": str(get_municipality("rheine").id),
        }
    time.sleep(ProductionConfig.MIN_FORM_SECONDS)
    return {
        **fields,
        **chosen,
        "title": "Schattige Bänke am Emsufer in Rheine",
        "body": "Am Emsufer fehlen Bänke im Schatten. Dort könnten alle gut Pause machen.",
        "photo_1_description": "Eine Holzbank unter einer Linde am Ufer der Ems",
    }


def fetched_from_both(stack, browser, address: str) -> dict[str, bytes]:
    """The file at `address` from each server (nginx takes turns between them)."""
    files: dict[str, bytes] = {}
    for _ in range(6):
        response = browser.get(address)
        assert response.status_code == 200, address
        assert response.headers["Content-Type"] == "image/webp"
        files[upstream(response)] = response.content
    assert set(files) == set(stack.upstreams)
    return files


def test_a_photo_sent_to_one_server_is_served_by_the_other(two_servers):
    [email] = create_people(two_servers, 1, "fotografin")
    browser = signed_in(two_servers, email, "127.40.0.1")
    form = idea_form(two_servers, browser)
    photo = images.plain_jpeg(1200, 900)

    preview = browser.post(
        "/ideas/new", data=form, files={"photo_1": ("bank.jpg", photo, "image/jpeg")}
    )
    assert preview.status_code == 200 and "Vorschau Ihrer Idee" in preview.text
    draft = min(PHOTO_ADDRESS.findall(preview.text))
    drafts = fetched_from_both(two_servers, browser, draft)
    assert len(set(drafts.values())) == 1, "the servers serve different files for one draft"

    confirmed = {**form, **hidden_fields(preview.text, "/ideas/new")}
    saved = browser.post("/ideas/new", data=confirmed)
    assert saved.status_code == 302, saved.text
    page = browser.get(saved.headers["Location"])
    addresses = sorted(set(PHOTO_ADDRESS.findall(page.text)))
    assert addresses and all(a.startswith("/ideas/") for a in addresses)
    for address in addresses:
        files = fetched_from_both(two_servers, browser, address)
        [content] = set(files.values())
        assert content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def test_nginx_lets_a_large_photo_through_to_the_app_and_stops_what_no_form_may_send(
    two_servers,
):
    [email] = create_people(two_servers, 1, "grossbild")
    browser = signed_in(two_servers, email, "127.40.0.2")
    form = idea_form(two_servers, browser)
    megabyte = 1024 * 1024

    twenty = browser.post(
        "/ideas/new", data=form, files={"photo_1": ("gross.jpg", b"\xff" * 20 * megabyte)}
    )
    # The app answered (not nginx), with its own German message next to the field.
    assert twenty.status_code == 200
    upstream(twenty)
    assert "Dieses Foto ist größer als 10 MB." in twenty.text

    beyond = ProductionConfig.PHOTO_FORM_MAX_CONTENT_LENGTH + 2 * megabyte
    refused = browser.post(
        "/ideas/new", data=form, files={"photo_1": ("riesig.jpg", b"\xff" * beyond)}
    )
    assert refused.status_code == 413
    assert "X-Upstream" not in refused.headers  # nginx refused it before any server


# --- the outbox ------------------------------------------------------------------------


def queue_mails(stack, count: int, name: str) -> set[str]:
    with stack.database():
        recipients = {f"{name}-{n}@example.org" for n in range(count)}
        for recipient in sorted(recipients):
            db.session.add(OutboxMessage(recipient=recipient, subject="Zustelltest", body="Hallo!"))
        db.session.commit()
    return recipients


def deliver_on_both_servers(stack, *command: str) -> list[str]:
    """The same operator command on both servers at the same moment; what each printed."""
    runs = [flask_command(stack.env, *command) for _ in range(2)]
    outputs = [finish(run, timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    return [out for out, _err in outputs]


def delivered(stack, recipients: set[str]) -> Counter:
    return Counter(
        str(message["To"]) for message in stack.inbox.messages if str(message["To"]) in recipients
    )


def assert_sent_once(stack, recipients: set[str]) -> None:
    assert delivered(stack, recipients) == Counter(recipients)
    ids = Counter(str(message["Message-ID"]) for message in stack.inbox.messages)
    assert max(ids.values()) == 1, "a mail went out twice"
    with stack.database():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient.in_(recipients))
        ).all()
        assert all(row.sent_at is not None and row.attempts == 1 for row in rows)


def test_the_mail_job_started_on_both_servers_at_once_sends_every_mail_once(two_servers, progress):
    recipients = queue_mails(two_servers, 60, "job")

    outputs = deliver_on_both_servers(two_servers, "jobs", "mail")

    assert_sent_once(two_servers, recipients)
    progress("flask jobs mail: " + " | ".join(out.strip().splitlines()[-1] for out in outputs))


def test_two_servers_sending_the_outbox_at_once_share_the_mails_and_send_each_once(
    two_servers, progress
):
    """`flask outbox send` takes no job lock: here the claim of each row alone keeps the
    two senders apart. The mail server holds the first mail until a second one arrives
    alongside, so both really send at the same time."""
    recipients = queue_mails(two_servers, 60, "ausgang")
    two_servers.inbox.expect_two_senders()

    outputs = deliver_on_both_servers(two_servers, "outbox", "send")

    assert_sent_once(two_servers, recipients)
    sent = [int(re.search(r"(\d+) gesendet", out).group(1)) for out in outputs]
    progress(f"flask outbox send: {sent[0]} + {sent[1]} gesendet")
    assert sum(sent) >= len(recipients) and min(sent) > 0


# --- what nginx does itself ------------------------------------------------------------


def test_plain_http_is_sent_to_https(two_servers):
    browser = two_servers.visitor("127.50.0.1")
    response = browser.http.get(
        f"{two_servers.http_url}/ideas?sortierung=neu", allow_redirects=False, timeout=30
    )
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/ideas?sortierung=neu"


def test_assets_come_from_disk_with_cache_headers_and_pages_from_the_app(two_servers):
    browser = two_servers.visitor("127.50.0.2")
    asset = browser.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200 and "X-Upstream" not in asset.headers
    assert asset.content == (BASE_DIR / "static" / "css" / "site.css").read_bytes()
    assert asset.headers["Content-Encoding"] == "gzip"
    # Without a version in the address a changed file must arrive within the hour...
    assert asset.headers["Cache-Control"] == "public, max-age=3600"
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    # ...the pages link it with its version (?v=...): that address names one content for good.
    linked = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]+)"', browser.get("/").text)
    versioned = browser.get(linked[1])
    assert versioned.content == asset.content
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    page = browser.get("/", headers={"Accept-Encoding": "br, gzip"})
    upstream(page)
    # The app compresses and sets HSTS; nginx does neither a second time.
    assert page.headers["Content-Encoding"] == "br"
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_each_request_carries_nginx_s_id_into_the_app(two_servers):
    browser = two_servers.visitor("127.50.0.3")
    response = browser.get("/healthz", headers={"X-Request-ID": "vom-client-gewaehlt-1234"})
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    log = Path(two_servers.folder, "access.log")
    for _ in range(50):  # nginx writes the line once the answer is out
        if request_id in log.read_text():
            break
        time.sleep(0.05)
    assert request_id in log.read_text()


def handshake(stack, context: ssl.SSLContext) -> ssl.SSLSocket:
    port = int(stack.base_url.rsplit(":", 1)[1])
    raw = socket.create_connection(("127.0.0.1", port))
    try:
        return context.wrap_socket(raw, server_hostname="127.0.0.1")
    except ssl.SSLError:
        raw.close()
        raise


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_https_speaks_http2_and_tls_1_3_or_1_2_and_nothing_older(two_servers):
    context = ssl.create_default_context(cafile=str(two_servers.certificate))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with handshake(two_servers, context) as tls:
        assert (tls.version(), tls.selected_alpn_protocol()) == ("TLSv1.3", "h2")

    context.maximum_version = ssl.TLSVersion.TLSv1_2
    with handshake(two_servers, context) as tls:
        assert tls.version() == "TLSv1.2"

    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(two_servers.certificate))
    old.set_ciphers("ALL:@SECLEVEL=0")  # this client could speak TLS 1.1...
    old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises(ssl.SSLError) as refused:
        handshake(two_servers, old)
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION"  # ...nginx would not
