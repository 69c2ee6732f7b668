"""The rules for photos: store a draft, put drafts on an idea, remove photos; read files.

Callable without a request. Rows change in the caller's transaction (only `flush()`);
their files follow that transaction (`files`).
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..rules import RuleError
from .files import delete_files_after_commit, write_files
from .models import DESCRIPTION_MAX, IdeaPhoto
from .processing import PhotoRefused, process_photo
from .storage import file_name, new_key, photo_storage

MAX_PHOTOS = 3
NOT_YOURS = "Dieses Foto ist nicht mehr verfügbar. Bitte wählen Sie es noch einmal aus."
TOO_MANY = f"Sie können höchstens {MAX_PHOTOS} Fotos zu einer Idee zeigen."
# Photos sent but not (yet) on an idea, per person: a form's slots and a few retries need
# far fewer; `retention run` removes them after RETENTION_PHOTO_DRAFT_HOURS.
MAX_DRAFTS = 30
TOO_MANY_DRAFTS = (
    "Sie haben in den letzten Stunden schon viele Fotos gesendet, die noch zu keiner Idee "
    "gehören. Bitte reichen Sie zuerst Ihre Idee ein oder senden Sie das Foto morgen."
)


class PhotoError(RuleError):
    """A rule about photos was broken."""


@dataclass(frozen=True)
class ChosenPhoto:
    """A photo as the idea form keeps it: which one, and its description."""

    photo: IdeaPhoto
    description: str


def _file_names(photo: IdeaPhoto) -> list[str]:
    return [file_name(photo.key, width) for width in photo.sizes]


def store_draft(owner, data: bytes, description: str) -> IdeaPhoto:
    """Process an upload and keep it as a draft of `owner` (PhotoRefused if it is no
    photo this site takes). The description may still be missing: the form asks for it,
    and the person need not send the photo again."""
    if _draft_count(owner) >= MAX_DRAFTS:
        raise PhotoRefused(TOO_MANY_DRAFTS)
    processed = process_photo(data, current_app.config["PHOTO_MAX_PIXELS"])
    photo = IdeaPhoto(
        owner_id=owner.id,
        key=new_key(),
        description=description.strip()[:DESCRIPTION_MAX],
        width=processed.width,
        height=processed.height,
        widths=",".join(str(width) for width in processed.files),
    )
    db.session.add(photo)
    db.session.flush()
    write_files({file_name(photo.key, w): data for w, data in processed.files.items()})
    return photo


def _draft_count(owner) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(IdeaPhoto)
        .where(IdeaPhoto.owner_id == owner.id, IdeaPhoto.idea_id.is_(None))
    )


def may_keep(user, photo: IdeaPhoto, idea=None) -> bool:
    """Whether the idea form of `user` (for `idea`, or a new one) may name this photo:
    their own draft, or already a photo of this idea."""
    if photo.owner_id != user.id:
        return False
    return photo.idea_id is None or (idea is not None and photo.idea_id == idea.id)


def photos_by_id(ids: list[int]) -> dict[int, IdeaPhoto]:
    if not ids:
        return {}
    rows = db.session.scalars(select(IdeaPhoto).where(IdeaPhoto.id.in_(ids)))
    return {photo.id: photo for photo in rows}


def photos_of(idea) -> list[IdeaPhoto]:
    query = select(IdeaPhoto).where(IdeaPhoto.idea_id == idea.id).order_by(IdeaPhoto.position)
    return list(db.session.scalars(query))


def set_idea_photos(author, idea, chosen: list[ChosenPhoto]) -> None:
    """The idea's photos become `chosen`, in that order: drafts join, photos left out go.
    Checked again here, whatever the form said."""
    if len(chosen) > MAX_PHOTOS:
        raise PhotoError(TOO_MANY, "photos")
    for item in chosen:
        if not may_keep(author, item.photo, idea):
            raise PhotoError(NOT_YOURS, "photos")
        if not item.description.strip():
            raise PhotoError("Bitte beschreiben Sie jedes Foto.", "photos")
    kept = {item.photo.id for item in chosen}
    for photo in photos_of(idea):
        if photo.id not in kept:
            remove_photo(photo)
    for position, item in enumerate(chosen):
        item.photo.idea_id, item.photo.position = idea.id, position
        item.photo.description = item.description.strip()[:DESCRIPTION_MAX]
    db.session.flush()


def remove_photo(photo: IdeaPhoto) -> None:
    """The row goes now, its files once that has committed."""
    delete_files_after_commit(_file_names(photo))
    db.session.delete(photo)
    db.session.flush()


def _remove_where(*conditions) -> int:
    """One statement; the files of exactly the rows it removed go after the commit."""
    removed = db.session.execute(
        delete(IdeaPhoto).where(*conditions).returning(IdeaPhoto.key, IdeaPhoto.widths),
        execution_options={"synchronize_session": False},
    ).all()
    names = [file_name(key, int(w)) for key, widths in removed for w in widths.split(",")]
    delete_files_after_commit(names)
    return len(removed)


def remove_photos_of_ideas(idea_ids: list[int]) -> int:
    """When ideas are erased with their author's account (`ideas.erasure`)."""
    if not idea_ids:
        return 0
    return _remove_where(IdeaPhoto.idea_id.in_(idea_ids))


def remove_drafts_of(user) -> int:
    """The drafts a person left behind, when their account is deleted."""
    return _remove_where(IdeaPhoto.owner_id == user.id, IdeaPhoto.idea_id.is_(None))


def remove_stale_drafts(cutoff: datetime) -> int:
    """Drafts sent before `cutoff` that never became part of an idea (`retention`)."""
    return _remove_where(IdeaPhoto.idea_id.is_(None), IdeaPhoto.created_at < cutoff)


def first_public_photo(idea) -> IdeaPhoto | None:
    """The first photo of a published, adopted or declined idea; None for any other
    idea or without photos. For link previews (sharing) and cards."""
    if not idea.is_public:
        return None
    query = (
        select(IdeaPhoto).where(IdeaPhoto.idea_id == idea.id).order_by(IdeaPhoto.position).limit(1)
    )
    return db.session.scalar(query)


def photo_bytes(photo: IdeaPhoto, width: int | None = None) -> bytes | None:
    """The WebP file of `photo` in the largest stored width up to `width` (default: the
    largest); None when the file is missing. Pillow opens it as any image."""
    size = photo.size_up_to(width) if width else photo.sizes[-1]
    return photo_storage().read(file_name(photo.key, size))
