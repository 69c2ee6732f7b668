"""Each moderator reads the audit log of their own scope only, and the actor filter never
searches e-mail addresses. The scope rule is one definition, as predicate and as query."""

import pytest
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from participation.roles import in_scope, scope_filter
from tests.factories import create_comment, create_idea, create_user, get_municipality
from tests.helpers import audit, main_of
from tests.moderation.helpers import post

GREVEN = "Ablehnung Greven: Telefonnummer des Nachbarn 0171-111"
RHEINE = "Ablehnung Rheine: Doppelt eingereicht"
REMOVED = "Familie Mustermann, Hauptstraße 5"
DELETED_COMMENT = "Grevener Kommentar, später gelöscht"


@pytest.fixture
def district_history(moderator, as_user):
    """Decisions in Rheine and Greven, taken through the pages as people take them."""
    _, district_browser = moderator("moderator")
    in_rheine = create_idea(state="pending", municipality="rheine")
    in_greven = create_idea(state="pending", municipality="greven", body=f"Text mit {REMOVED}")
    for idea, reason in ((in_rheine, RHEINE), (in_greven, GREVEN)):
        url = f"/moderation/ideas/{idea.id}/reject"
        post(district_browser, url, {"template": "0", "reason": reason}, page=url)
    url = f"/moderation/ideas/{in_greven.id}/correct"
    fix = {"title": in_greven.title, "body": "Text ohne Namen", "note": "Namen entfernt"}
    post(district_browser, url, fix, page=url)
    published = create_idea(municipality="greven")
    writer = create_user(display_name="Grevener Kommentator")
    comment = create_comment(published, writer, body=DELETED_COMMENT)
    url = f"/comments/{comment.id}/delete"
    post(as_user(writer), url, {"confirm": "1"}, page=url)
    assert {e.action for e in audit()} >= {"idea.reject", "idea.correct", "comment.delete"}
    return district_browser, in_rheine, in_greven


def test_a_municipal_moderator_reads_only_their_towns_entries(district_history, moderator):
    _, _, in_greven = district_history
    _, rheine_browser = moderator("moderator:rheine")

    page = main_of(rheine_browser.get("/moderation/log"))

    assert RHEINE in page
    for secret in (GREVEN, REMOVED, DELETED_COMMENT, "Namen entfernt", "Grevener Kommentator"):
        assert secret not in page
    by_id = main_of(
        rheine_browser.get(f"/moderation/log?object_type=ideas&object_id={in_greven.id}")
    )
    assert GREVEN not in by_id and "0 Einträge" in by_id


def test_the_district_moderator_reads_every_town(district_history):
    district_browser, _, _ = district_history
    page = main_of(district_browser.get("/moderation/log"))
    assert RHEINE in page and GREVEN in page and "Namen entfernt" in page


def test_account_decisions_are_read_by_district_staff_only(moderator):
    troll = create_user(display_name="Troll")
    _, district_browser = moderator("moderator")
    url = f"/moderation/users/{troll.id}/block"
    post(district_browser, url, {"template": "0", "reason": "Beleidigungen in Serie"}, page=url)
    assert [e.municipality_id for e in audit("user.block")] == [None]
    _, rheine_browser = moderator("moderator:rheine")
    assert "Beleidigungen in Serie" not in main_of(rheine_browser.get("/moderation/log"))
    assert "Beleidigungen in Serie" in main_of(district_browser.get("/moderation/log"))


def test_the_actor_filter_matches_names_and_ids_but_never_e_mail_addresses(moderator):
    idea = create_idea(state="pending")
    paul, browser = moderator("moderator", display_name="Paul Prüfer", email="p.geheim@rheine.de")
    url = f"/moderation/ideas/{idea.id}/approve"
    post(browser, url, page=f"/moderation/ideas/{idea.id}")
    assert len(audit("idea.publish")) == 1

    def shown(actor: str) -> int:
        page = main_of(browser.get("/moderation/log", query_string={"actor": actor}))
        return page.count("Idee freigegeben</td>") + page.count("Idee freigegeben<br>")

    assert shown("prüfer") == 1
    assert shown(str(paul.id)) == 1
    assert shown("geheim") == 0
    assert shown("rheine.de") == 0
    assert shown("%") == 0, "LIKE wildcards are taken literally"


@pytest.mark.parametrize(
    "roles", [("moderator",), ("moderator:rheine",), ("moderator:rheine", "moderator:greven"), ()]
)
def test_scope_predicate_and_query_filter_agree(roles):
    """The same definition decides one object (`in_scope`) and a query (`scope_filter`)."""
    viewer = create_user(roles=roles)
    towns = [None, *(get_municipality(slug).id for slug in ("rheine", "greven", "kreisweit"))]
    for number, town in enumerate(towns, start=1):
        db.session.add(
            AuditEntry(
                action="idea.publish", object_type="ideas", object_id=number, municipality_id=town
            )
        )
    db.session.commit()
    by_query = set(
        db.session.scalars(
            select(AuditEntry.municipality_id).where(
                scope_filter(viewer, AuditEntry.municipality_id)
            )
        )
    )
    by_predicate = {town for town in towns if in_scope(viewer, town)}
    assert by_query == by_predicate
    assert (None in by_predicate) == (roles == ("moderator",))
