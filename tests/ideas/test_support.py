"""Supporting an idea: once per person, idempotent both ways, only for published ideas."""

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Support
from tests.factories import count_rows, create_idea, create_user
from tests.helpers import fresh, main_of, without_icons

JSON = {"Accept": "application/json"}


def supporters(idea) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Support.user_id).where(Support.idea_id == idea.id)))


def post(browser, idea, action: str, **kwargs):
    return browser.submit(f"/ideas/{idea.id}/{action}", {}, form_page=f"/ideas/{idea.id}", **kwargs)


def test_supporting_twice_counts_once(as_user):
    idea = create_idea()
    person = create_user()
    browser = as_user(person)

    first = post(browser, idea, "support")
    second = post(browser, idea, "support")

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == f"/ideas/{idea.id}#unterstuetzen"
    assert supporters(idea) == [person.id]
    assert fresh(idea).support_count == 1
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "1 Person unterstützt diese Idee." in page
    label = '<span class="button-label">Unterstützung zurückziehen</span>'
    assert f'aria-pressed="true">{label}' in without_icons(page)
    assert f'action="/ideas/{idea.id}/unsupport"' in page


def test_json_answer_for_the_page_script(as_user):
    idea = create_idea(supports=2)
    browser = as_user(create_user())

    response = post(browser, idea, "support", headers=JSON)
    again = post(browser, idea, "support", headers=JSON)

    assert response.status_code == 200
    assert response.get_json() == {"supported": True, "count": 3}
    assert again.get_json() == {"supported": True, "count": 3}
    response = post(browser, idea, "unsupport", headers=JSON)
    assert response.get_json() == {"supported": False, "count": 2}
    assert fresh(idea).support_count == 2


def test_withdrawing_twice_removes_once(as_user):
    idea = create_idea(supports=1)
    person = create_user()
    browser = as_user(person)
    post(browser, idea, "support")
    assert fresh(idea).support_count == 2

    first = post(browser, idea, "unsupport")
    second = post(browser, idea, "unsupport")

    assert first.status_code == second.status_code == 302
    assert person.id not in supporters(idea)
    assert len(supporters(idea)) == 1
    assert fresh(idea).support_count == 1
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "1 Person unterstützt diese Idee." in page
    assert 'aria-pressed="false"><span class="button-label">Unterstützen<' in without_icons(page)


def test_withdrawing_a_support_never_given_changes_nothing(as_user):
    idea = create_idea(supports=3)
    response = post(as_user(create_user()), idea, "unsupport", headers=JSON)
    assert response.get_json() == {"supported": False, "count": 3}
    assert len(supporters(idea)) == 3
    assert fresh(idea).support_count == 3


@pytest.mark.parametrize(
    ("state", "status"),
    [("pending", 404), ("rejected", 404), ("hidden", 403), ("withdrawn", 404)],
)
def test_ideas_that_are_not_published_cannot_be_supported(as_user, state, status):
    idea = create_idea(state=state)
    browser = as_user(create_user())
    for action in ("support", "unsupport"):
        response = browser.submit(f"/ideas/{idea.id}/{action}", {}, form_page="/account")
        assert response.status_code == status
    assert count_rows(Support) == 0
    assert fresh(idea).support_count == 0


@pytest.mark.parametrize("state", ["pending", "rejected", "withdrawn"])
def test_even_the_author_cannot_support_an_unpublished_idea(as_user, state):
    author = create_user()
    idea = create_idea(author, state=state)
    browser = as_user(author)
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert f"/ideas/{idea.id}/support" not in page.replace("data-support-url", "")
    response = browser.submit(f"/ideas/{idea.id}/support", {}, form_page="/account")
    assert response.status_code == 403
    assert count_rows(Support) == 0


def test_anonymous_visitor_is_sent_to_the_login(browser):
    idea = create_idea()
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert f'href="/login?next=/ideas/{idea.id}">Melden Sie sich an' in page
    response = browser.submit(f"/ideas/{idea.id}/support", {}, form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert count_rows(Support) == 0


def test_unconfirmed_person_cannot_support(as_user):
    idea = create_idea()
    browser = as_user(create_user(confirmed=False))
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse, um Ideen zu unterstützen." in page
    response = post(browser, idea, "support")
    assert response.status_code == 403
    assert count_rows(Support) == 0
    assert fresh(idea).support_count == 0


def test_support_service_refuses_and_reports_what_it_did():
    idea = create_idea()
    person = create_user()
    assert services.support_idea(person, idea) is True
    assert services.support_idea(person, idea) is False
    assert services.withdraw_support(person, idea) is True
    assert services.withdraw_support(person, idea) is False
    pending = create_idea(state="pending")
    with pytest.raises(services.NotAllowed):
        services.support_idea(person, pending)
    with pytest.raises(services.NotAllowed):
        services.support_idea(create_user(confirmed=False), idea)
    db.session.commit()
    assert count_rows(Support) == 0
    assert fresh(idea).support_count == 0
