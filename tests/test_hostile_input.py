"""Hostile input never becomes a 500: ids beyond the database's integers, NUL bytes,
impossible dates, absurd numbers. Each gets a German 400 or 404 page, or a field error.

The walk takes its routes from the app itself (as tests/pipeline/test_role_matrix.py
does), so a new route is walked with hostile values without being listed here.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from werkzeug.routing import IntegerConverter

from participation.errors import ERROR_TEXTS
from participation.extensions import db, limiter
from participation.ideas import services as ideas
from participation.ideas.models import Comment, Idea
from participation.moderation import reasons
from participation.projects import services as projects
from participation.projects.models import FundingSource, Milestone, ProjectUpdate
from participation.strategy import texts
from tests.factories import (
    PASSWORD,
    count_rows,
    create_comment,
    create_idea,
    create_user,
    fresh_code,
    notifications_of,
)
from tests.helpers import csrf_token_from, field_error, fresh, html_of
from tests.photos.helpers import add_photos
from tests.pipeline.test_planning import new_project, plan_data

NUL_PATH_VALUES = ("%00", "a%00b")
HOSTILE_PATH_VALUES = (str(2**31), str(2**63), str(10**20), "-1", "0", "abc", *NUL_PATH_VALUES)
# Every query parameter the app reads (grep "args.get" and "request.values").
QUERY_NAMES = (
    "page", "field", "municipality", "state", "sort", "q", "kind", "status", "action",
    "actor", "object_type", "object_id", "day", "unrated", "min_supports", "rated", "taken",
    "measure", "title", "body", "next", "idea", "wiederherstellung", "seite", "ansicht",
    "ungelesen",
)  # fmt: skip
HOSTILE_QUERY_VALUES = (
    "\x00", "a\x00b", str(10**20), str(2**63), "-1", "²", "2026-02-31", "0001-01-01",
    "9999-12-31", "/account\r\nSet-Cookie: x=1", "x" * 3000,
)  # fmt: skip
# Every form field name the app's forms use, for posts where all of them are hostile.
FORM_NAMES = (
    "title", "body", "note", "reason", "template", "until", "field", "municipality",
    "confirmed", "parent_id", "email", "password", "password_confirm", "current_password",
    "display_name", "organisation_name", "kind", "relevance", "feasibility", "answer",
    "progress", "starts_on", "ends_on", "staff_fte", "budget", "summary", "what", "place",
    "lead", "partners", "internal_notes", "status", "field_ids", "municipality_ids",
    "funding-programme", "funding-amount", "funding-status", "milestone-title",
    "milestone-due_on", "published_on", "idea", "project", "target", "back", "action", "text",
    "role", "code", "app_code", "new_password", "new_password_confirm", "remember",
    "remove_contributions", "base_version", "confirm", "latitude", "longitude",
    "photo_1", "photo_1_description", "photo_1_id", "photo_1_remove", "photos",
    "decisions", "replies", "my_ideas", "followed", "projects", "staff", "List-Unsubscribe",
)  # fmt: skip
HOSTILE_FORM_VALUES = (
    "a\x00b", str(10**20), str(2**63), "-1", "²", "31.02.2027", "2027-02-31", "99999-01-01",
    "0001-01-01", "9999-12-31", "1e30", "/pipeline\r\nSet-Cookie: x=1", "x" * 3000,
)  # fmt: skip
VALID_FORMS = (
    "new idea", "comment", "plan", "funding", "milestone", "update", "rating", "take", "block",
    "profile", "grant role",
)  # fmt: skip
OWN_IDEA = {"ideas.edit": "pending", "ideas.withdraw": "pending", "ideas.revise": "rejected"}
NOT_WALKED = {"accounts.logout"}  # would end the admin's session halfway through the walk
VISITORS = ("anonymous", "admin", "author")  # the admin may also moderate and plan
PLACEHOLDER = re.compile(r"<(?:[^>]*:)?(\w+)>")


def german_error_page(response, status: int) -> bool:
    html = html_of(response)
    return response.status_code == status and ERROR_TEXTS[status][0] in html


def expected_refusal(value: str) -> int:
    """A NUL anywhere is a 400; anything else hostile in an id is simply not found."""
    return 400 if "\x00" in value or "%00" in value else 404


class Problems(list):
    """What went wrong during a walk, all of it: one failure shows every broken route."""

    def check(self, response, what, refused: str | None = None) -> None:
        if response.status_code >= 500:
            self.append((response.status_code, *what))
        elif refused is not None and not german_error_page(response, expected_refusal(refused)):
            self.append((response.status_code, "expected", expected_refusal(refused), *what))
        db.session.rollback()

    def assert_none(self) -> None:
        assert not self, f"{len(self)} problems:\n" + "\n".join(map(repr, self[:40]))


@pytest.fixture
def no_rate_limits(monkeypatch):
    """The walk sends thousands of requests; the limits are tested on their own."""
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def world(app, no_rate_limits):
    """One of everything a URL can name, and an admin who may see and do everything."""
    admin = create_user(roles=("admin", "moderator", "team"))
    author = create_user()
    idea = create_idea(author, title="Mitfahrbank am Markt in Rheine")
    comment = create_comment(idea, author)
    project = new_project(admin, title="Mitfahrbänke im Kreis", ideas=[idea])
    funding = projects.add_funding(admin, project, "Landesmittel", Decimal("5000"), "approved")
    milestone = projects.add_milestone(admin, project, "Spatenstich", date(2027, 5, 1))
    template = reasons.add_template(admin, "reject", "Doppelt", "Gibt es schon als Idee.")
    version = texts.save_page(admin, texts.get_editable_page("impressum"), "Kreis Steinfurt.")
    db.session.commit()
    rated = create_idea(author, title="Busse nachts bis Ochtrup")
    pending = create_idea(author, state="pending")
    rejected = create_idea(author, state="rejected")
    [photo] = add_photos(rated, "Ein Foto der Mitfahrbank")
    ideas.add_comment(admin, idea, "Eine Nachricht für die Autorin")
    db.session.commit()
    notification = notifications_of(author)[0]  # her inbox entry
    return {
        "admin": admin,
        "author": author,
        "idea": rated,
        "project": project,
        "values": {
            "idea_id": str(rated.id),
            "pending": str(pending.id),
            "rejected": str(rejected.id),
            "comment_id": str(comment.id),
            "user_id": str(author.id),
            "assignment_id": str(admin.roles[0].id),  # another person's: the walk gets a 404
            # A visitor's own session or another's: neither ends by this route (a 404).
            "sign_in_id": "1",
            "template_id": str(template.id),
            "photo_id": str(photo.id),
            "key": photo.key,
            "width": str(photo.sizes[0]),
            "version_id": str(version.id),
            "project_id": str(project.id),
            "source_id": str(funding.id),
            "milestone_id": str(milestone.id),
            "notification_id": str(notification.id),  # the author's: others get a 404
            "token": "abc",
            "decision": "reject",
            "kind": "projects",
            "fmt": "csv",
            "filename": "css/site.css",
        },
    }


def walked_rules(app):
    """(rule, method) for every route, HEAD and OPTIONS aside."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint not in NOT_WALKED:
                yield rule, method


def path_of(rule, values: dict, **hostile) -> str:
    slug = "rheine" if rule.rule.startswith("/municipalities") else "mobilitaet"
    slug = "impressum" if rule.rule.startswith("/admin/texts") else slug
    idea = values[OWN_IDEA.get(rule.endpoint, "idea_id")]
    values = {**values, "slug": slug, "idea_id": idea, **hostile}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], rule.rule)


def int_arguments(rule) -> list[str]:
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


class Visitor:
    """Someone walking the site; their posts carry a valid CSRF token."""

    def __init__(self, browser, token_page: str):
        self.browser = browser
        self.token = csrf_token_from(html_of(browser.get(token_page)))

    def send(self, method: str, url: str, data: dict | None = None, **kwargs):
        if method == "GET":
            return self.browser.get(url, **kwargs)
        return self.browser.client.post(url, data={"csrf_token": self.token, **(data or {})})


@pytest.fixture
def visitors(world, browser, as_user):
    return {
        "anonymous": Visitor(browser, "/login"),
        "admin": Visitor(as_user(world["admin"]), "/account"),
        "author": Visitor(as_user(world["author"]), "/account"),
    }


# The walk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VISITORS)
def test_hostile_values_in_every_path_variable_are_a_german_404_or_400(app, world, visitors, who):
    visitor, problems, walked = visitors[who], Problems(), 0
    for rule, method in walked_rules(app):
        ids = int_arguments(rule)
        for name in rule.arguments - set(rule.defaults or {}):
            for hostile in HOSTILE_PATH_VALUES:
                url = path_of(rule, world["values"], **{name: hostile})
                strict = name in ids or hostile in NUL_PATH_VALUES
                problems.check(
                    visitor.send(method, url), (method, url), hostile if strict else None
                )
                walked += 1
    problems.assert_none()
    assert walked > 300


@pytest.mark.parametrize("who", VISITORS)
def test_hostile_query_parameters_on_every_page_never_give_a_500(app, world, visitors, who):
    visitor, problems = visitors[who], Problems()
    for rule, method in walked_rules(app):
        if method != "GET" or rule.endpoint == "static":
            continue
        url = path_of(rule, world["values"])
        for hostile in HOSTILE_QUERY_VALUES:
            response = visitor.send(method, url, query_string=dict.fromkeys(QUERY_NAMES, hostile))
            strict = hostile if "\x00" in hostile else None
            problems.check(response, (url, hostile[:20]), strict)
    problems.assert_none()


@pytest.mark.parametrize("who", VISITORS)
def test_hostile_form_values_on_every_post_never_give_a_500(app, world, visitors, who):
    visitor, problems = visitors[who], Problems()
    for rule, method in walked_rules(app):
        if method != "POST":
            continue
        url = path_of(rule, world["values"])
        for hostile in HOSTILE_FORM_VALUES:
            response = visitor.send(method, url, dict.fromkeys(FORM_NAMES, hostile))
            strict = hostile if "\x00" in hostile else None
            problems.check(response, (url, hostile[:20]), strict)
    problems.assert_none()


def valid_forms(world) -> dict[str, tuple[str, dict]]:
    """A form that would save, per route; the test below spoils one field at a time."""
    project, idea = world["project"], world["idea"]
    plan = f"/pipeline/projects/{project.id}"
    return {
        "new idea": (
            "/ideas/new",
            {
                "title": "Sichere Radwege nach Greven",
                "body": "Ein durchgehender Radweg entlang der Ems für Schulkinder und Pendler.",
                "field": str(idea.field_id),
                "municipality": str(idea.municipality_id),
                "confirmed": "1",
                "photo_1_id": "",
                "photo_1_description": "",
                "place": "Am Markt",
                "latitude": "52.2801",
                "longitude": "7.4402",
            },
        ),
        "comment": (f"/ideas/{idea.id}/comments", {"body": "Gute Idee!", "parent_id": ""}),
        "plan": (f"{plan}/edit", plan_data(title="Mitfahrbänke im Kreis")),
        "funding": (
            f"{plan}/funding",
            {
                "funding-programme": "Leader",
                "funding-amount": "80.000,00",
                "funding-status": "applied",
            },
        ),
        "milestone": (
            f"{plan}/milestones",
            {"milestone-title": "Eröffnung", "milestone-due_on": "01.06.2027"},
        ),
        "update": (
            f"{plan}/updates/new",
            {"title": "Es geht los", "body": "Bänke bestellt.", "published_on": "2027-01-15"},
        ),
        "rating": (
            f"/pipeline/ideas/{idea.id}/rate",
            {"relevance": "4", "feasibility": "3", "note": "passt"},
        ),
        "take": (
            "/pipeline/take",
            {"idea": str(idea.id), "target": "existing", "project": str(project.id)},
        ),
        "block": (
            f"/moderation/users/{world['author'].id}/block",
            {"reason": "Beleidigungen", "template": "", "until": "2099-01-01"},
        ),
        "profile": ("/account/profile", {"display_name": "Alex M.", "kind": "resident"}),
        "grant role": (
            f"/admin/accounts/{world['author'].id}",
            {
                "role": "moderator",
                "municipality_ids": str(idea.municipality_id),
                "password": PASSWORD,
                "code": fresh_code(world["admin"].email),  # the admin's second factor
            },
        ),
    }


@pytest.mark.parametrize("form", VALID_FORMS)
def test_one_hostile_field_in_an_otherwise_valid_form_is_a_400_or_a_field_error(
    world, visitors, form
):
    visitor, problems = visitors["admin"], Problems()
    url, valid = valid_forms(world)[form]
    assert visitor.send("POST", url, valid).status_code == 302, "unspoiled, the form saves"
    for name in valid:
        for hostile in HOSTILE_FORM_VALUES:
            response = visitor.send("POST", url, {**valid, name: hostile})
            strict = hostile if "\x00" in hostile else None
            problems.check(response, (name, hostile[:20]), strict)
    problems.assert_none()


# One class at a time ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [2**31, 2**63, 10**20, 0])
def test_an_id_beyond_the_database_integer_is_not_found(browser, world, number):
    for path in (f"/ideas/{number}", f"/projects/{number}", f"/comments/{number}/report"):
        assert german_error_page(browser.get(path), 404), path


def test_the_largest_database_id_still_reaches_the_view(browser, world):
    """2**31 - 1 is a valid PostgreSQL integer: the view runs and finds nothing."""
    response = browser.get(f"/ideas/{2**31 - 1}")
    assert german_error_page(response, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/ideas?q=Rad%00weg",
        "/ideas?field=%00",
        "/roadmap?status=a%00",
        "/ideas?a%00=1",
        "/fields/mobi%00litaet",
        "/fields/mobi%0Alitaet",
        "/static/css/site.css%01",
    ],
)
def test_a_nul_or_control_character_in_the_address_is_refused_in_german(browser, world, path):
    response = browser.get(path)
    assert german_error_page(response, 400), path


def test_a_nul_byte_in_a_new_idea_is_refused_and_the_text_kept(visitors, world):
    browser = visitors["author"].browser
    ideas = count_rows(Idea)
    title, body = "Radweg\x00 nach Greven", "Ein durchgehender Radweg\x00 entlang der Ems, bitte."
    response = browser.submit("/ideas/new", {"title": title, "body": body, "confirmed": "1"})
    assert german_error_page(response, 400)
    html = html_of(response)
    assert "Radweg nach Greven" in html and "Radweg entlang der Ems, bitte." in html
    assert "\x00" not in html
    assert count_rows(Idea) == ideas


def test_a_reply_to_an_impossible_comment_id_is_refused(visitors, world):
    browser = visitors["author"].browser
    comments = count_rows(Comment)
    url = f"/ideas/{world['idea'].id}/comments"
    for parent in ("²", str(2**63), str(10**20)):
        response = browser.submit(url, {"body": "Stimmt!", "parent_id": parent})
        assert german_error_page(response, 400), parent
    assert count_rows(Comment) == comments


def test_impossible_ids_in_a_selection_are_ignored(visitors, world):
    browser = visitors["admin"].browser
    response = browser.get(f"/pipeline/projects/new?idea=²&idea={10**20}&idea={world['idea'].id}")
    assert response.status_code == 200
    assert world["idea"].title in html_of(response)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("starts_on", "31.02.2027", "Bitte geben Sie ein Datum an"),
        ("ends_on", "99999-01-01", "Bitte geben Sie ein Datum an"),
        ("starts_on", "01.01.0001", "Bitte geben Sie ein Datum zwischen 1900 und 2199 an."),
        ("ends_on", "9999-12-31", "Bitte geben Sie ein Datum zwischen 1900 und 2199 an."),
        ("budget", str(10**30), "Der Betrag ist zu groß"),
        ("budget", "-5", "Bitte geben Sie keinen negativen Wert an."),
        ("staff_fte", "100000", "Die Zahl ist zu groß"),
        ("progress", str(10**20), "Der Fortschritt liegt zwischen 0 und 100 Prozent."),
    ],
)
def test_an_impossible_plan_value_is_a_german_field_error(visitors, world, field, typed, message):
    project = world["project"]
    browser = visitors["admin"].browser
    url = f"/pipeline/projects/{project.id}/edit"
    response = browser.submit(url, plan_data(title="Neuer Titel", **{field: typed}))
    assert response.status_code == 200
    assert message in (field_error(html_of(response), field) or ""), field
    assert typed in html_of(response)
    assert fresh(project).title == "Mitfahrbänke im Kreis"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"funding-amount": "1" + "0" * 15}, "funding-amount", "Der Betrag ist zu groß"),
        ({"funding-amount": "-1"}, "funding-amount", "keinen negativen Betrag"),
    ],
)
def test_an_impossible_funding_amount_is_a_german_field_error(
    visitors, world, data, field, message
):
    project = world["project"]
    browser = visitors["admin"].browser
    before = count_rows(FundingSource)
    valid = {"funding-programme": "Leader", "funding-status": "applied"}
    response = browser.submit(
        f"/pipeline/projects/{project.id}/funding", {**valid, **data}, form_page="/account"
    )
    assert response.status_code == 422
    assert message in (field_error(html_of(response), field) or "")
    assert count_rows(FundingSource) == before


@pytest.mark.parametrize("typed", ["2027-02-31", "99999-01-01", "0000-01-01"])
def test_an_impossible_milestone_or_update_date_is_a_german_field_error(visitors, world, typed):
    project = world["project"]
    browser = visitors["admin"].browser
    milestones, updates = count_rows(Milestone), count_rows(ProjectUpdate)
    response = browser.submit(
        f"/pipeline/projects/{project.id}/milestones",
        {"milestone-title": "Eröffnung", "milestone-due_on": typed},
        form_page="/account",
    )
    assert response.status_code == 422
    assert "Bitte geben Sie ein Datum an" in (
        field_error(html_of(response), "milestone-due_on") or ""
    )
    url = f"/pipeline/projects/{project.id}/updates/new"
    response = browser.submit(url, {"title": "Neu", "body": "Text", "published_on": typed})
    assert "Bitte geben Sie ein Datum an" in (field_error(html_of(response), "published_on") or "")
    assert (count_rows(Milestone), count_rows(ProjectUpdate)) == (milestones, updates)


@pytest.mark.parametrize("path", ["/ideas", "/pipeline", "/moderation/log"])
@pytest.mark.parametrize("page", [str(10**20), str(2**63), "-1", "abc", "²"])
def test_an_absurd_page_number_shows_a_page(visitors, world, path, page):
    browser = visitors["admin"].browser
    response = browser.get(path, query_string={"page": page})
    assert response.status_code == 200, (path, page)


def test_an_absurd_audit_log_filter_shows_the_log(visitors, world):
    browser = visitors["admin"].browser
    for query in (
        {"object_id": str(10**20)},
        {"object_id": "²"},
        {"day": "0001-01-01"},
        {"day": "9999-12-31"},
        {"day": "2026-02-31"},
    ):
        response = browser.get("/moderation/log", query_string=query)
        assert response.status_code == 200, query


def test_a_block_until_the_end_of_the_calendar_is_a_german_field_error(visitors, world):
    """Saved, 9999-12-31 23:59 UTC would break every page showing it in local time."""
    author = world["author"]
    url = f"/moderation/users/{author.id}/block"
    response = visitors["admin"].browser.submit(url, {"reason": "Grund", "until": "9999-12-31"})
    assert response.status_code == 200
    message = "Bitte geben Sie ein Datum zwischen 1900 und 2199 an."
    assert field_error(html_of(response), "until") == message
    assert fresh(author).blocked_at is None
    assert visitors["author"].browser.get("/account").status_code == 200
