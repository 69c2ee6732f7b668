"""The audit log: newest first, filterable, escaped, and append-only."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, update

from participation.audit import AuditEntry
from participation.extensions import db
from tests.factories import create_idea, create_user
from tests.helpers import audit, html_of, main_of
from tests.moderation.helpers import post

ROW = re.compile(
    r"<tr>\s*<td>(?P<when>[^<]*)</td>\s*<td>(?P<who>[^<]*)</td>\s*<td>(?P<what>[^<]*)<br>"
)


def log_rows(html: str) -> list[tuple[str, str, str]]:
    return [(m["when"], m["who"], m["what"]) for m in ROW.finditer(html)]


def entry(actor, action: str, when: datetime, object_id: int = 1, reason=None) -> AuditEntry:
    row = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        object_type="ideas",
        object_id=object_id,
        reason=reason,
        created_at=when,
    )
    db.session.add(row)
    return row


@pytest.fixture
def history():
    """Three decisions by two people on two days (times in UTC; Berlin is UTC+2 in May)."""
    maria = create_user(display_name="Maria Moderatorin", email="maria@kreis-steinfurt.de")
    paul = create_user(display_name="Paul Prüfer", email="paul@rheine.de")
    entry(maria, "idea.publish", datetime(2024, 5, 1, 8, 0))
    entry(paul, "idea.reject", datetime(2024, 5, 1, 9, 30), reason="Doppelt")
    entry(maria, "idea.hide", datetime(2024, 5, 1, 22, 30), reason="Werbung")  # 2 May, 00:30
    entry(None, "idea.hide", datetime(2024, 5, 3, 12, 0), reason="Automatisch ausgeblendet")
    db.session.commit()


def test_the_log_lists_entries_newest_first(history, moderator):
    _, browser = moderator("moderator")
    page = main_of(browser.get("/moderation/log"))
    assert log_rows(page) == [
        ("3. Mai 2024, 14:00", "System", "Idee ausgeblendet"),
        ("2. Mai 2024, 00:30", "Maria Moderatorin", "Idee ausgeblendet"),
        ("1. Mai 2024, 11:30", "Paul Prüfer", "Idee abgelehnt"),
        ("1. Mai 2024, 10:00", "Maria Moderatorin", "Idee freigegeben"),
    ]
    assert "4 Einträge" in page
    assert len(audit()) == 4, "reading the log writes nothing"


EVERYTHING = [
    "3. Mai 2024, 14:00",
    "2. Mai 2024, 00:30",
    "1. Mai 2024, 11:30",
    "1. Mai 2024, 10:00",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=idea.hide", ["3. Mai 2024, 14:00", "2. Mai 2024, 00:30"]),
        ("actor=maria", ["2. Mai 2024, 00:30", "1. Mai 2024, 10:00"]),
        ("actor=PRÜFER", ["1. Mai 2024, 11:30"]),
        ("actor=rheine.de", []),  # e-mail addresses are never searched
        ("actor=paul@rheine.de", []),
        ("day=2024-05-01", ["1. Mai 2024, 11:30", "1. Mai 2024, 10:00"]),
        ("day=2024-05-02", ["2. Mai 2024, 00:30"]),  # the day as the log shows it
        ("day=2024-05-01&actor=maria", ["1. Mai 2024, 10:00"]),
        ("action=idea.withdraw", []),
        ("action=kaputt&day=gestern", None),  # unknown values filter nothing
    ],
)
def test_filters(history, moderator, query, expected):
    _, browser = moderator("moderator")
    page = main_of(browser.get(f"/moderation/log?{query}"))
    expected = EVERYTHING if expected is None else expected
    assert [when for when, _, _ in log_rows(page)] == expected
    count = len(expected)
    assert (f"{count} Eintrag" if count == 1 else f"{count} Einträge") in page


def test_pages_keep_the_filter(moderator):
    maria = create_user(display_name="Maria Moderatorin")
    start = datetime(2024, 5, 1, 8, 0)
    for minute in range(55):
        entry(maria, "idea.publish", start + timedelta(minutes=minute), object_id=1)
        entry(maria, "idea.publish", start + timedelta(minutes=minute), object_id=2)
    db.session.commit()
    _, browser = moderator("moderator")

    first = main_of(browser.get("/moderation/log?object_type=ideas&object_id=1"))

    assert "55 Einträge" in first and "Seite 1 von 2" in first
    older = re.search(r'<a rel="next" href="([^"]+)"', first)[1].replace("&amp;", "&")
    assert "object_id=1" in older and "page=2" in older
    second = main_of(browser.get(older))
    assert len(log_rows(second)) == 5 and "Seite 2 von 2" in second


def test_content_in_the_log_is_escaped(moderator):
    idea = create_idea(state="pending", title="Harmloser Titel einer Idee")
    _, browser = moderator("moderator")
    url = f"/moderation/ideas/{idea.id}/reject"
    attack = "<script>alert(1)</script>"

    post(browser, url, {"template": "0", "reason": f"Nein {attack}"}, page=url)
    post(
        browser,
        f"/moderation/ideas/{idea.id}/correct",
        {"title": f"Titel {attack}", "body": "Text der Idee", "note": f"Notiz {attack}"},
        page=url,
    )

    assert [e.reason for e in audit("idea.reject")] == [f"Nein {attack}"]
    for html in (
        html_of(browser.get("/moderation/log")),
        html_of(browser.get(f"/moderation/ideas/{idea.id}")),
    ):
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_audit_entry_cannot_be_changed_or_deleted():
    actor = create_user()
    row = entry(actor, "idea.publish", datetime(2024, 5, 1, 8, 0), reason="Original")
    db.session.commit()

    row.reason = "Geschönt"
    with pytest.raises(RuntimeError, match="nicht geändert oder gelöscht"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(row)
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError):
        db.session.execute(update(AuditEntry).values(reason="Geschönt"))
    db.session.rollback()
    with pytest.raises(RuntimeError):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()

    assert [(e.id, e.reason) for e in audit()] == [(row.id, "Original")]


def test_no_page_of_the_app_changes_the_log(app):
    """The only way to the log is reading it: no route writes to it directly."""
    log_rules = [r for r in app.url_map.iter_rules() if "log" in r.rule.split("/")]
    assert [r.rule for r in log_rules] == ["/moderation/log"]
    assert log_rules[0].methods <= {"GET", "HEAD", "OPTIONS"}
