"""Photos put on ideas directly, through the services (the form has its own tests)."""

from participation.extensions import db
from participation.photos import services
from participation.photos.models import IdeaPhoto
from tests.photos import images


def add_photos(idea, *descriptions: str) -> list[IdeaPhoto]:
    """Photos on `idea`, sent by its author, in the order given."""
    from participation.accounts.models import User

    author = db.session.get(User, idea.author_id)
    drafts = [
        services.store_draft(author, images.plain_jpeg(800, 600), text) for text in descriptions
    ]
    chosen = [services.ChosenPhoto(draft, draft.description) for draft in drafts]
    services.set_idea_photos(author, idea, chosen)
    db.session.commit()
    return drafts


def address(photo: IdeaPhoto, width: int | None = None) -> str:
    width = width or photo.sizes[0]
    if photo.idea_id is None:
        return f"/fotos/entwurf/{photo.key}/{width}.webp"
    return f"/ideas/{photo.idea_id}/fotos/{photo.key}/{width}.webp"
