"""The account page lists the public ideas of others that a person supports and follows."""

from datetime import timedelta

from participation.extensions import db
from participation.ideas.models import Follow, Support
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user
from tests.helpers import main_of


def section(page: str, title_id: str) -> str:
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)]


def link(model, person, idea, minutes_ago: int = 0) -> None:
    db.session.add(
        model(
            idea_id=idea.id, user_id=person.id, created_at=utcnow() - timedelta(minutes=minutes_ago)
        )
    )
    db.session.commit()


def test_account_lists_supported_and_followed_public_ideas_newest_first(as_user):
    person = create_user()
    older = create_idea(title="Radweg nach Emsdetten")
    newer = create_idea(title="Bücherbus für Dörfer", state="adopted")
    link(Support, person, older, minutes_ago=30)
    link(Support, person, newer, minutes_ago=5)
    link(Follow, person, older, minutes_ago=1)
    link(Follow, person, newer, minutes_ago=60)
    # Supported or followed once, but no longer public, or never public: not listed.
    for state in ("hidden", "pending", "rejected", "withdrawn"):
        idea = create_idea(title=f"Nicht öffentlich: {state}", state=state)
        link(Support, person, idea)
        link(Follow, person, idea)
    own = create_idea(person, title="Meine eigene Idee")  # followed from the start
    assert count_rows(Support) == 6
    assert count_rows(Follow) == 6 + 7, "and every author follows their idea"

    page = main_of(as_user(person).get("/account"))

    supported = section(page, "supported-ideas-title")
    assert supported.index("Bücherbus für Dörfer") < supported.index("Radweg nach Emsdetten")
    assert f'href="/ideas/{newer.id}"' in supported
    assert "In ein Projekt eingeflossen" in supported and "Veröffentlicht" in supported
    followed = section(page, "followed-ideas-title")
    assert followed.index("Radweg nach Emsdetten") < followed.index("Bücherbus für Dörfer")
    assert "Meine eigene Idee" not in followed, "own ideas stay under „Meine Ideen“"
    assert f'href="/ideas/{own.id}"' in section(page, "own-ideas-title")
    assert "Nicht öffentlich" not in page
    assert "weitere" not in page


def test_account_lists_are_capped_with_the_number_left_out(as_user):
    person = create_user()
    ideas = [create_idea(title=f"Idee Nummer {n:02d} im Test") for n in range(12)]
    for minutes_ago, idea in enumerate(reversed(ideas)):
        link(Support, person, idea, minutes_ago=minutes_ago)

    supported = section(main_of(as_user(person).get("/account")), "supported-ideas-title")

    shown = [f"Idee Nummer {n:02d} im Test" for n in range(12) if f"Nummer {n:02d} im" in supported]
    assert shown == [f"Idee Nummer {n:02d} im Test" for n in range(2, 12)]
    assert supported.index("Nummer 11 im") < supported.index("Nummer 02 im")
    assert "und 2 weitere" in supported


def test_account_says_plainly_when_nothing_is_supported_or_followed(as_user):
    other = create_idea(title="Idee einer anderen Person")

    page = main_of(as_user(create_user()).get("/account"))

    assert "Sie unterstützen noch keine Idee." in section(page, "supported-ideas-title")
    assert "Sie verfolgen noch keine Idee anderer Personen." in page
    assert other.title not in page
