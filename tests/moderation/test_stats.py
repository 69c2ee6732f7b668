"""The moderation statistics page on known data."""

import re
from datetime import timedelta

from participation.audit import AuditEntry
from participation.extensions import db
from participation.timeutil import utcnow
from tests.factories import create_idea
from tests.helpers import main_of
from tests.moderation.helpers import idea_row, post


def card(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", page)[1].strip()


def municipality_rows(page: str) -> dict[str, list[str]]:
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>((?:<td>[^<]*</td>)+)</tr>', page)
    return {name: re.findall(r"<td>([^<]*)</td>", cells) for name, cells in rows}


def per_day_counts(page: str) -> list[int]:
    table = page.split("Tabelle: Entscheidungen pro Tag", 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r"<td>[^<]*</td><td>(\d+)</td>", table)]


def test_statistics_on_known_decisions(moderator):
    _, browser = moderator("moderator")
    for hours in (2, 10, 4):
        idea = create_idea(state="pending", municipality="rheine")
        idea.submitted_at = utcnow() - timedelta(hours=hours)
        db.session.commit()
        post(browser, f"/moderation/ideas/{idea.id}/approve", page="/moderation")
        assert idea_row(idea.id).state == "published"
    create_idea(state="pending", municipality="greven")
    create_idea(state="published", municipality="emsdetten")  # never went through the queue
    db.session.add(
        AuditEntry(
            action="idea.reject",
            object_type="ideas",
            object_id=1,
            created_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.commit()

    page = main_of(browser.get("/moderation/stats"))

    assert card(page, "Ideen in der Warteschlange") == "1"
    assert card(page, "Entschiedene Ideen") == "3"
    assert card(page, "Median: eingereicht bis entschieden") == "4,0 Stunden"
    assert municipality_rows(page) == {
        "Greven": ["1", "0", "–"],
        "Rheine": ["0", "3", "4,0"],
    }
    counts = per_day_counts(page)
    assert len(counts) == 30
    assert counts[-3:] == [1, 0, 3] and sum(counts) == 4


def test_statistics_without_decisions(moderator):
    create_idea(state="pending")
    _, browser = moderator("moderator:greven")
    page = main_of(browser.get("/moderation/stats"))
    assert card(page, "Ideen in der Warteschlange") == "1"
    assert card(page, "Entschiedene Ideen") == "0"
    assert card(page, "Median: eingereicht bis entschieden") == "–"
    assert sum(per_day_counts(page)) == 0
