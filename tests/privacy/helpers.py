"""Shared by the tests of the data export and of account deletion."""

from participation.extensions import db
from participation.ideas import services as ideas
from participation.ideas.models import Idea
from tests.factories import get_field, get_municipality


def submit_idea_as(author, title: str, body: str | None = None) -> Idea:
    """An idea sent through the form's service, waiting for moderation."""
    data = ideas.IdeaData(
        title=title,
        body=body or f"{title}: so soll es gehen, mit genug Text für das Formular.",
        field_id=get_field("mobilitaet").id,
        municipality_id=get_municipality("rheine").id,
    )
    idea = ideas.submit_idea(author, data)
    db.session.commit()
    return idea
