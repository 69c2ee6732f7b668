"""The audit log's one sanctioned change, `audit.redaction`: a deleted person's address and
names are replaced, and the former texts of contributions go after the retention period.
Nothing else may update an audit row, neither through the ORM nor by statement."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from participation import audit
from participation.audit import AuditEntry, redaction
from participation.audit.models import REDACTION
from participation.audit.reader import ACTION_LABELS
from participation.extensions import db
from participation.ideas.models import Comment, Idea
from participation.timeutil import utcnow
from tests.factories import create_comment, create_idea, create_user
from tests.helpers import fresh

PACKAGE = Path(__file__).resolve().parent.parent / "participation"
# Only these files may name the log's table, change its rows or carry the redaction option.
LOG_WRITERS = {PACKAGE / "audit" / "models.py", PACKAGE / "audit" / "redaction.py"}
CHANGES_TO_THE_LOG = re.compile(
    r"(update|delete)\(\s*AuditEntry|AuditEntry\.__table__|\baudit_entries\b|"
    r"\bREDACTION\b|audit_redaction"
)


def _entry(action: str, obj, *, days_old: int = 0, **texts) -> AuditEntry:
    entry = audit.record(None, action, obj, **texts)
    entry.created_at = utcnow() - timedelta(days=days_old)  # before its INSERT: no update
    db.session.commit()
    return entry


# --- Nothing else changes the log -----------------------------------------------------


def test_every_action_of_the_log_says_whether_it_keeps_former_texts():
    classified = set(redaction.FORMER_TEXTS) | redaction.NO_FORMER_TEXTS
    assert not set(redaction.FORMER_TEXTS) & redaction.NO_FORMER_TEXTS
    assert sorted(set(ACTION_LABELS) - classified) == [], "classify in audit/redaction.py"
    assert sorted(classified - set(ACTION_LABELS)) == []


def test_no_code_outside_the_redaction_names_the_log_table_or_changes_its_rows():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in LOG_WRITERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CHANGES_TO_THE_LOG.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(reason="anders"),
        update(AuditEntry.__table__).values(reason="anders"),
        delete(AuditEntry),
    ],
    ids=["orm-update", "table-update", "orm-delete"],
)
def test_statements_on_the_log_are_refused(app, statement):
    entry = _entry("idea.reject", create_idea(), reason="Begründung")
    with pytest.raises(RuntimeError, match="Audit-Log"):
        db.session.execute(statement)
    db.session.rollback()
    assert fresh(entry).reason == "Begründung"


def test_deleting_is_refused_even_with_the_redactions_option(app):
    entry = _entry("idea.reject", create_idea(), reason="Begründung")
    with pytest.raises(RuntimeError, match="Audit-Log"):
        db.session.execute(delete(AuditEntry), execution_options={REDACTION: True})
    db.session.rollback()
    assert fresh(entry) is not None


def test_changing_a_loaded_entry_is_refused(app):
    entry = _entry("idea.reject", create_idea(), reason="Begründung")
    entry.reason = "anders"
    with pytest.raises(RuntimeError, match="Audit-Log"):
        db.session.commit()
    db.session.rollback()
    assert fresh(entry).reason == "Begründung"


# --- Replacing a person's mentions ----------------------------------------------------


def test_mentions_are_replaced_as_whole_words_ignoring_case(app):
    idea = create_idea()
    named = _entry(
        "idea.reject",
        idea,
        before="pending",
        reason="Liebe ANNA Berg, schreiben Sie an anna.berg@example.org; Annabelle bleibt.",
    )
    other = _entry("idea.hide", idea, reason="Hat mit Anna nichts zu tun.")

    changed = redaction.replace_mentions(
        {"anna.berg@example.org": "[E-Mail-Adresse entfernt]", "Anna Berg": "Gelöschtes Konto"}
    )

    assert changed == 1
    assert fresh(named).reason == (
        "Liebe Gelöschtes Konto, schreiben Sie an [E-Mail-Adresse entfernt]; Annabelle bleibt."
    )
    assert fresh(named).before == "pending" and fresh(named).redacted_at is None
    assert fresh(other).reason == "Hat mit Anna nichts zu tun."


def test_scrub_leaves_longer_words_and_other_text_alone():
    replacements = {"Jo": "Gelöschtes Konto"}
    assert redaction.scrub("Jo schrieb: Johanna und jo.", replacements) == (
        "Gelöschtes Konto schrieb: Johanna und Gelöschtes Konto."
    )
    assert redaction.scrub(None, replacements) is None


# --- Former texts ---------------------------------------------------------------------


def test_former_texts_go_after_the_period_and_decisions_stay(app):
    idea = create_idea()
    comment = create_comment(idea, body="Meine Nummer ist 0123")
    old_deleted = _entry("comment.delete", comment, days_old=200, before="Meine Nummer ist 0123")
    new_deleted = _entry("comment.delete", comment, days_old=10, before="Noch frisch 0456")
    old_edit = _entry(
        "idea.edit",
        idea,
        days_old=200,
        before={"title": "Alt", "body": "Alter Text 0789", "field_id": 1, "municipality_id": 2},
        after={"title": "Neu", "body": "Neuer Text", "field_id": 1, "municipality_id": 3},
    )
    old_decision = _entry("idea.reject", idea, days_old=200, before="pending", reason="Grund")

    redacted = redaction.redact_former_texts_before(utcnow() - timedelta(days=183))

    assert redacted == 2
    assert (fresh(old_deleted).before, fresh(old_deleted).redacted_because) == (None, "retention")
    assert fresh(new_deleted).before == "Noch frisch 0456"
    edit = fresh(old_edit)
    assert edit.before == '{"field_id": 1, "municipality_id": 2}'
    assert edit.after == '{"field_id": 1, "municipality_id": 3}'  # the move still shows
    decision = fresh(old_decision)
    assert (decision.before, decision.reason, decision.redacted_at) == ("pending", "Grund", None)
    assert redaction.redact_former_texts_before(utcnow() - timedelta(days=183)) == 0


def test_redacting_the_texts_of_given_objects_leaves_others(app):
    idea = create_idea()
    mine, theirs = create_comment(idea, body="Meins"), create_comment(idea, body="Deins")
    own = _entry("comment.edit", mine, before="Meins alt", after="Meins")
    other = _entry("comment.edit", theirs, before="Deins alt", after="Deins")

    assert redaction.redact_former_texts_of(Comment.__tablename__, [mine.id]) == 1

    assert (fresh(own).before, fresh(own).after, fresh(own).redacted_because) == (
        None,
        None,
        "deletion",
    )
    assert fresh(other).before == "Deins alt"
    assert redaction.redact_former_texts_of(Idea.__tablename__, []) == 0


def test_the_log_page_says_why_a_former_text_is_gone(app, as_user):
    moderator = create_user(roles=("moderator",))
    idea = create_idea()
    comment = create_comment(idea, body="Weg damit")
    _entry("comment.delete", comment, days_old=200, before="Weg damit")
    redaction.redact_former_texts_before(utcnow() - timedelta(days=183))
    db.session.commit()

    page = as_user(moderator).get("/moderation/log").get_data(as_text=True)

    assert "Früherer Wortlaut entfernt nach Aufbewahrungsfrist" in page
    assert "Weg damit" not in page
    assert db.session.scalar(select(AuditEntry.before)) is None
