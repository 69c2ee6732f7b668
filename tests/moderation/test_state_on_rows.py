"""Behaviour follows the rows, never old audit entries: the log serves people only."""

from participation.audit import AuditEntry
from participation.extensions import db
from participation.ideas.models import IdeaState
from tests.factories import create_idea
from tests.moderation.helpers import idea_row, post


def test_a_hidden_idea_returns_to_the_state_on_its_own_row(moderator):
    idea = create_idea(state="adopted")
    _, browser = moderator("moderator")
    url = f"/moderation/ideas/{idea.id}/hide"
    post(browser, url, {"template": "0", "reason": "Beleidigung im Text"}, page=url)
    assert idea_row(idea.id).state == IdeaState.HIDDEN
    assert idea_row(idea.id).hidden_from == IdeaState.ADOPTED
    # A later log line that claims another origin (an import, a demo, a hand-made
    # entry) must not change where the idea goes back to.
    db.session.add(
        AuditEntry(action="idea.hide", object_type="ideas", object_id=idea.id, before="declined")
    )
    db.session.commit()

    post(browser, f"/moderation/ideas/{idea.id}/restore", page=f"/moderation/ideas/{idea.id}")

    restored = idea_row(idea.id)
    assert restored.state == IdeaState.ADOPTED and restored.hidden_from is None
