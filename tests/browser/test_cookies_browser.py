"""A reader in a real browser: after many reading pages, the browser holds no cookie."""

import pytest

from tests.factories import create_comment, create_idea, create_user
from tests.roadmap.helpers import full_plan, make_project

pytestmark = pytest.mark.browser


def test_a_reader_collects_no_cookie_until_the_login_form(phone):
    idea = create_idea(create_user(display_name="Ria Radlerin"), title="Radweg nach Rheine")
    create_comment(idea, body="Der Weg fehlt wirklich.")
    project = make_project(ideas=(idea,), **full_plan())
    for path in (
        "/",
        "/vision",
        "/process",
        "/fields/mobilitaet",
        "/municipalities/rheine",
        "/ideas",
        f"/ideas/{idea.id}",
        "/roadmap",
        f"/projects/{project.id}",
        "/datenschutz",
        "/gibt-es-nicht",
    ):
        phone.goto(path)
    phone.goto("/ideas")
    phone.get_by_label("Suche", exact=True).fill("Radweg")
    phone.get_by_role("button", name="Anzeigen").click()
    phone.get_by_role("link", name="Radweg nach Rheine").first.click()
    assert phone.context.cookies() == []

    phone.goto("/login")
    assert [cookie["name"] for cookie in phone.context.cookies()] == ["zst_session"]
