"""Who may moderate what: every role on every moderation endpoint, and the predicates.

Each case builds one idea with one comment in the municipality the role is about
(Rheine; Greven for the moderator out of scope; "kreisweit" for the district
moderator), sends one request, and checks the answer and the database: an
allowed decision changes what it should, a refused one changes nothing at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from participation.accounts.models import SignInSession, User
from participation.audit import AuditEntry
from participation.extensions import db
from participation.ideas.services import NotAllowed
from participation.moderation import decisions
from participation.moderation import permissions as p
from participation.moderation.models import ReasonTemplate, Report
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.factories import create_comment, create_idea, create_user, get_municipality
from tests.helpers import fresh
from tests.moderation.helpers import comment_row, create_report, create_template, idea_row, post

ROLES = {
    # name: (role assignments or None for anonymous, municipality of the idea)
    "anonymous": (None, "rheine"),
    "resident": ((), "rheine"),
    "author": ((), "rheine"),
    "mod_in_scope": (("moderator:rheine",), "rheine"),
    "mod_out_of_scope": (("moderator:rheine",), "greven"),
    "district_mod": (("moderator",), "kreisweit"),
    "committee": (("committee",), "rheine"),
    "team": (("team",), "rheine"),
    "admin": (("admin",), "rheine"),
}

# What each role gets, by the kind of endpoint: "ok", "login", 403 or 404.
ITEM, STAFF, BLOCK, REASONS = "item", "staff", "block", "reasons"
EXPECTED = {
    "anonymous": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), "login"),
    "resident": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), 403),
    "author": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), 403),
    "mod_in_scope": {ITEM: "ok", STAFF: "ok", BLOCK: 403, REASONS: 403},
    "mod_out_of_scope": {ITEM: 404, STAFF: "ok", BLOCK: 403, REASONS: 403},
    "district_mod": {ITEM: "ok", STAFF: "ok", BLOCK: "ok", REASONS: 403},
    "committee": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), 403),
    "team": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), 403),
    "admin": dict.fromkeys((ITEM, STAFF, BLOCK, REASONS), "ok"),
}


@dataclass
class World:
    idea: object
    comment: object
    author: object
    template: object

    def values(self, **extra) -> dict:
        return {
            "idea": self.idea.id,
            "comment": self.comment.id,
            "user": self.author.id,
            "template": self.template.id,
            **extra,
        }


@dataclass
class Endpoint:
    method: str
    path: str
    kind: str
    idea_state: str = "published"
    comment_state: str = "published"
    report: str | None = None  # "idea" or "comment": an open report waits on it
    blocked: bool = False
    data: dict = field(default_factory=dict)
    effect: object = None  # World -> bool: what an allowed POST changed

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _idea_state(state):
    return lambda w: idea_row(w.idea.id).state == state


def _comment_state(state):
    return lambda w: comment_row(w.comment.id).state == state


def _resolved(w) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Report.resolved_at.is_(None))) == 0


def _blocked(w) -> bool:
    db.session.expire_all()
    return db.session.get(type(w.author), w.author.id).is_blocked


REASON = {"template": "0", "reason": "Bitte ohne Namen von Nachbarn."}
ENDPOINTS = [
    Endpoint("GET", "/moderation", STAFF, idea_state="pending"),
    Endpoint("GET", "/moderation/ideas/{idea}", ITEM),
    Endpoint(
        "POST", "/moderation/ideas/{idea}/approve", ITEM, "pending", effect=_idea_state("published")
    ),
    Endpoint(
        "POST", "/moderation/ideas/{idea}/restore", ITEM, "hidden", effect=_idea_state("published")
    ),
    Endpoint("POST", "/moderation/ideas/{idea}/dismiss", ITEM, report="idea", effect=_resolved),
    Endpoint("GET", "/moderation/ideas/{idea}/reject", ITEM, "pending"),
    Endpoint(
        "POST",
        "/moderation/ideas/{idea}/reject",
        ITEM,
        "pending",
        data=REASON,
        effect=_idea_state("rejected"),
    ),
    Endpoint("GET", "/moderation/ideas/{idea}/hide", ITEM),
    Endpoint(
        "POST", "/moderation/ideas/{idea}/hide", ITEM, data=REASON, effect=_idea_state("hidden")
    ),
    Endpoint("GET", "/moderation/ideas/{idea}/correct", ITEM),
    Endpoint(
        "POST",
        "/moderation/ideas/{idea}/correct",
        ITEM,
        data={"title": "Ein korrigierter Titel", "body": "Korrigiert.", "note": "Tippfehler"},
        effect=lambda w: idea_row(w.idea.id).body == "Korrigiert.",
    ),
    Endpoint(
        "POST",
        "/moderation/comments/{comment}/approve",
        ITEM,
        comment_state="pending",
        effect=_comment_state("published"),
    ),
    Endpoint(
        "POST",
        "/moderation/comments/{comment}/restore",
        ITEM,
        comment_state="hidden",
        effect=_comment_state("published"),
    ),
    Endpoint(
        "POST", "/moderation/comments/{comment}/dismiss", ITEM, report="comment", effect=_resolved
    ),
    Endpoint("GET", "/moderation/comments/{comment}/reject", ITEM, comment_state="pending"),
    Endpoint(
        "POST",
        "/moderation/comments/{comment}/reject",
        ITEM,
        comment_state="pending",
        data=REASON,
        effect=_comment_state("hidden"),
    ),
    Endpoint("GET", "/moderation/comments/{comment}/hide", ITEM),
    Endpoint(
        "POST",
        "/moderation/comments/{comment}/hide",
        ITEM,
        data=REASON,
        effect=_comment_state("hidden"),
    ),
    Endpoint("GET", "/moderation/comments/{comment}/correct", ITEM),
    Endpoint(
        "POST",
        "/moderation/comments/{comment}/correct",
        ITEM,
        data={"body": "Korrigiert.", "note": "Telefonnummer entfernt"},
        effect=lambda w: comment_row(w.comment.id).body == "Korrigiert.",
    ),
    Endpoint("GET", "/moderation/users/{user}/block", BLOCK),
    Endpoint(
        "POST",
        "/moderation/users/{user}/block",
        BLOCK,
        data={"template": "0", "reason": "Wiederholt beleidigend."},
        effect=_blocked,
    ),
    Endpoint(
        "POST",
        "/moderation/users/{user}/unblock",
        BLOCK,
        blocked=True,
        effect=lambda w: not _blocked(w),
    ),
    Endpoint("GET", "/moderation/log", STAFF),
    Endpoint("GET", "/moderation/stats", STAFF),
    Endpoint("GET", "/admin/reasons", REASONS),
    Endpoint(
        "POST",
        "/admin/reasons",
        REASONS,
        data={"kind": "reject", "title": "Werbung", "text": "Der Beitrag wirbt für eine Firma."},
        effect=lambda w: _template_titles() == ["Beleidigung", "Werbung"],
    ),
    Endpoint("GET", "/admin/reasons/{template}", REASONS),
    Endpoint(
        "POST",
        "/admin/reasons/{template}",
        REASONS,
        data={"kind": "hide", "title": "Hetze", "text": "Der Beitrag hetzt gegen Menschen."},
        effect=lambda w: _template_titles() == ["Hetze"],
    ),
    Endpoint(
        "POST",
        "/admin/reasons/{template}/retire",
        REASONS,
        effect=lambda w: not fresh(w.template).is_active,
    ),
]


def _template_titles() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(ReasonTemplate.title)))


def build_world(role: str, endpoint: Endpoint) -> tuple[World, object]:
    roles, place = ROLES[role]
    author = create_user(display_name="Autorin Anna")
    idea = create_idea(author, state=endpoint.idea_state, municipality=place)
    comment = create_comment(idea, author, state=endpoint.comment_state)
    if endpoint.report == "idea":
        create_report(idea=idea)
    if endpoint.report == "comment":
        create_report(comment=comment)
    if endpoint.blocked:
        author.blocked_at, author.blocked_reason = utcnow(), "Spam"
    template = create_template("hide", "Beleidigung")
    db.session.commit()
    person = None
    if role == "author":
        person = author
    elif roles is not None:
        person = create_user(roles=roles)
    return World(idea, comment, author, template), person


def snapshot(world: World) -> tuple:
    """Everything a moderation request could change."""
    idea, comment = idea_row(world.idea.id), comment_row(world.comment.id)
    author = db.session.get(type(world.author), world.author.id)
    templates = db.session.execute(
        select(ReasonTemplate.kind, ReasonTemplate.title, ReasonTemplate.is_active)
    ).all()

    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    return (
        (idea.state, idea.title, idea.body, idea.state_reason, idea.comment_count),
        (comment.state, comment.body),
        db.session.scalar(select(func.count()).where(Report.resolved_at.is_(None))),
        (author.blocked_at, count_sign_ins(author)),
        sorted(templates),
        count(AuditEntry),
        count(OutboxMessage),
    )


def count_sign_ins(user) -> int:
    """Blocking ends (deletes) every session of the blocked person."""
    return db.session.scalar(
        select(func.count()).select_from(SignInSession).where(SignInSession.user_id == user.id)
    )


CASES = [
    pytest.param(role, endpoint, id=f"{role}-{endpoint.id}")
    for endpoint in ENDPOINTS
    for role in ROLES
]


@pytest.mark.parametrize(("role", "endpoint"), CASES)
def test_permission_matrix(role, endpoint, client, as_user):
    world, person = build_world(role, endpoint)
    browser = as_user(person) if person is not None else None
    url = endpoint.path.format(**world.values())
    before = snapshot(world)

    if endpoint.method == "GET":
        response = (browser.client if browser else client).get(url)
    elif browser is None:
        response = client.post(url, data={"csrf_token": _anonymous_token(client), **endpoint.data})
    else:
        response = post(browser, url, endpoint.data, page="/impressum")

    expected = EXPECTED[role][endpoint.kind]
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    elif expected == "ok" and endpoint.method == "GET":
        assert response.status_code == 200
        if endpoint.kind == ITEM:
            shown = world.comment.body if "{comment}" in endpoint.path else world.idea.title
            assert shown in response.get_data(as_text=True)
        assert snapshot(world) == before
        return
    elif expected == "ok":
        assert response.status_code == 302, response.get_data(as_text=True)
        assert endpoint.effect(world), "the decision did not take effect"
        return
    else:
        assert response.status_code == expected
    assert snapshot(world) == before, "a refused request changed the database"


def _anonymous_token(client) -> str:
    from tests.helpers import csrf_token_from

    return csrf_token_from(client.get("/login").get_data(as_text=True))


# --- the predicates, role by role -------------------------------------------------

PREDICATE_ROLES = {
    "anonymous": None,
    "resident": (),
    "author": (),
    "mod_rheine": ("moderator:rheine",),
    "mod_rheine_greven": ("moderator:rheine", "moderator:greven"),
    "district_mod": ("moderator",),
    "committee": ("committee",),
    "team": ("team",),
    "admin": ("admin",),
}
# role: (view queue and log, block, edit templates, decide in Rheine, Greven, kreisweit)
PREDICATES = {
    "anonymous": (False, False, False, False, False, False),
    "resident": (False, False, False, False, False, False),
    "author": (False, False, False, False, False, False),
    "mod_rheine": (True, False, False, True, False, False),
    "mod_rheine_greven": (True, False, False, True, True, False),
    "district_mod": (True, True, False, True, True, True),
    "committee": (False, False, False, False, False, False),
    "team": (False, False, False, False, False, False),
    "admin": (True, True, True, True, True, True),
}


@pytest.mark.parametrize("role", PREDICATES)
def test_permission_predicates(role):
    author = create_user()
    roles = PREDICATE_ROLES[role]
    if roles is None:
        user = AnonymousUserMixin()
    else:
        user = author if role == "author" else create_user(roles=roles)
    ideas = [create_idea(author, municipality=m) for m in ("rheine", "greven", "kreisweit")]

    got = (
        p.can_view_queue(user),
        p.can_block_users(user),
        p.can_edit_reason_templates(user),
        *(p.can_decide_on_idea(user, idea) for idea in ideas),
    )

    assert got == PREDICATES[role]
    assert p.can_view_log(user) == p.can_view_queue(user) == p.is_moderator(user)
    assert p.is_district_moderator(user) == p.can_block_users(user)


@pytest.mark.parametrize(
    ("roles", "scope"),
    [
        (None, set()),
        ((), set()),
        (("committee", "team"), set()),
        (("moderator:rheine",), {"rheine"}),
        (("moderator:rheine", "moderator:greven"), {"rheine", "greven"}),
        (("moderator:rheine", "moderator"), None),
        (("admin",), None),
    ],
)
def test_moderation_scope_lists_the_municipalities(roles, scope):
    user = AnonymousUserMixin() if roles is None else create_user(roles=roles)
    expected = None if scope is None else {get_municipality(slug).id for slug in scope}
    assert p.moderation_scope(user) == expected


def test_a_blocked_period_in_the_past_does_not_count_as_blocked():
    person = create_user()
    person.blocked_at = utcnow() - timedelta(days=10)
    person.blocked_until = utcnow() - timedelta(days=1)
    assert not person.is_blocked
    person.blocked_until = utcnow() + timedelta(days=1)
    assert person.is_blocked
    person.blocked_until = None
    assert person.is_blocked


# --- the services check the scope themselves, whatever a view does --------------------

SERVICE_CALLS = {
    "approve": lambda mod, idea, comment: decisions.approve_idea(mod, idea),
    "reject": lambda mod, idea, comment: decisions.reject_idea(mod, idea, "Nein"),
    "correct": lambda mod, idea, comment: decisions.correct_idea(mod, idea, "T", "B", "Notiz"),
    "dismiss": lambda mod, idea, comment: decisions.dismiss_reports(mod, idea=idea),
    "approve_comment": lambda mod, idea, comment: decisions.decide_comment(mod, comment, "approve"),
    "correct_comment": lambda mod, idea, comment: decisions.correct_comment(
        mod, comment, "B", "Notiz"
    ),
    "block": lambda mod, idea, comment: decisions.block_user(
        mod, db.session.get(User, comment.author_id), "Spam"
    ),
}


@pytest.mark.parametrize("call", SERVICE_CALLS)
def test_decision_services_refuse_out_of_scope_moderators(call):
    greven = create_idea(state="pending", municipality="greven", title="Idee aus Greven")
    comment = create_comment(greven, state="pending")
    create_report(idea=greven)
    moderator = create_user(roles=("moderator:rheine",))
    world = World(greven, comment, db.session.get(User, greven.author_id), None)
    before = snapshot(world)

    with pytest.raises(NotAllowed):
        SERVICE_CALLS[call](moderator, greven, comment)
    db.session.rollback()

    assert snapshot(world) == before
