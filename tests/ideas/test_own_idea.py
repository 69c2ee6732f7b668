"""Authors neither support nor report their own ideas (and comments); others still may."""

from participation.extensions import db
from participation.ideas.models import Support
from participation.moderation.models import Report
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import fresh, html_of, main_of

OWN_SUPPORT = "Ihre eigene Idee können Sie nicht unterstützen."
OWN_REPORT = "Ihre eigenen Beiträge können Sie nicht melden."


def test_author_sees_neither_support_nor_report_on_own_idea(as_user):
    author = create_user()
    idea = create_idea(author)
    own_comment = create_comment(idea, author)
    others_comment = create_comment(idea)

    page = main_of(as_user(author).get(f"/ideas/{idea.id}"))

    assert f'action="/ideas/{idea.id}/support"' not in page
    assert ">Unterstützen</span></button>" not in page
    assert f'href="/ideas/{idea.id}/report"' not in page
    assert f'href="/comments/{own_comment.id}/report"' not in page
    assert f'href="/comments/{others_comment.id}/report"' in page
    assert "Verfolgen</button>" in page or "Nicht mehr verfolgen" in page


def test_others_still_support_and_report_the_idea(as_user):
    idea = create_idea()
    comment = create_comment(idea)

    page = main_of(as_user(create_user()).get(f"/ideas/{idea.id}"))

    assert f'action="/ideas/{idea.id}/support"' in page
    assert ">Unterstützen</span></button>" in page
    assert f'href="/ideas/{idea.id}/report"' in page
    assert f'href="/comments/{comment.id}/report"' in page


def test_supporting_own_idea_is_refused_with_a_reason(as_user):
    author = create_user()
    idea = create_idea(author)
    browser = as_user(author)

    response = browser.submit(f"/ideas/{idea.id}/support", {}, form_page="/account")
    as_json = browser.submit(
        f"/ideas/{idea.id}/support",
        {},
        form_page="/account",
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 403
    assert OWN_SUPPORT in html_of(response)
    assert as_json.status_code == 403
    assert as_json.get_json() == {"error": OWN_SUPPORT}
    assert count_rows(Support) == 0
    assert fresh(idea).support_count == 0


def test_reporting_own_idea_or_comment_is_refused(as_user):
    author = create_user()
    idea = create_idea(author)
    comment = create_comment(create_idea(), author)
    browser = as_user(author)

    for url in (f"/ideas/{idea.id}/report", f"/comments/{comment.id}/report"):
        form = browser.get(url)
        sent = browser.submit(url, {"reason": "spam", "note": ""}, form_page="/account")
        assert form.status_code == sent.status_code == 403, url
        assert OWN_REPORT in html_of(sent)
    db.session.expire_all()
    assert count_rows(Report) == 0
