"""The photo part of the idea form: three slots, each a file, a description and the photo
it holds already (a draft, or one of the idea's photos), which it can also remove.

A photo sent with the form is processed at once and kept as a draft of its sender, so it
survives the preview and any error elsewhere in the form without being sent again
(browsers cannot refill a file field); the slot carries its id from then on, and every
request checks again that the id names the sender's draft or a photo of this idea.
"""

from dataclasses import dataclass

from flask import current_app, request
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField
from wtforms.fields import Field

from ..forms import NoControlCharacters, length, strip_filter
from ..input_guard import record_id
from ..ratelimits import person_and_address_limit
from .models import DESCRIPTION_MAX, IdeaPhoto
from .processing import PhotoRefused
from .services import (
    MAX_PHOTOS,
    NOT_YOURS,
    TOO_MANY,
    ChosenPhoto,
    may_keep,
    photos_by_id,
    photos_of,
    set_idea_photos,
    store_draft,
)

SLOTS = tuple(range(1, MAX_PHOTOS + 1))
# The views whose form carries photos; their requests may be as large as three photos.
PHOTO_FORM_ENDPOINTS = frozenset({"ideas.new", "ideas.edit", "ideas.revise"})
DESCRIPTION_MISSING = (
    "Bitte beschreiben Sie kurz, was auf dem Foto zu sehen ist – "
    "für Menschen, die es nicht sehen können."
)
PHOTO_MISSING = (
    "Zu dieser Beschreibung fehlt das Foto. Bitte wählen Sie es noch einmal aus: "
    "Browser behalten ausgewählte Dateien nicht."
)
TOO_LARGE = "Dieses Foto ist größer als {mb} MB. Bitte wählen Sie ein kleineres Foto aus."
EMPTY_FILE = "Diese Datei ist leer. Bitte wählen Sie ein Foto aus."


def add_photo_fields(form_class) -> None:
    """Give the idea form its slots: `photo_1`, `photo_1_description`, `photo_1_id` and
    `photo_1_remove`, and so on, plus `photos` for what concerns all of them."""
    for n in SLOTS:
        setattr(form_class, f"photo_{n}", FileField(f"Foto {n}", render_kw={"accept": "image/*"}))
        setattr(
            form_class,
            f"photo_{n}_description",
            StringField(
                f"Was zeigt Foto {n}?",
                filters=[strip_filter],
                validators=[
                    length(max_len=DESCRIPTION_MAX, label="Der Text"),
                    NoControlCharacters(),
                ],
                description=(
                    "Ein Satz für Menschen, die das Foto nicht sehen können, "
                    "z. B. „Zugewachsener Radweg an der Ems bei Greven“."
                ),
                render_kw={"maxlength": DESCRIPTION_MAX, "autocomplete": "off"},
            ),
        )
        setattr(form_class, f"photo_{n}_id", HiddenField())
        setattr(form_class, f"photo_{n}_remove", BooleanField(f"Foto {n} entfernen"))
    form_class.photos = HiddenField("Fotos")


@dataclass
class PhotoSlot:
    number: int
    file: Field
    description: Field
    id: Field
    remove: Field
    photo: IdeaPhoto | None = None

    @property
    def in_use(self) -> bool:
        """Holds a photo, something typed, or a message: never folded away."""
        fields = (self.file, self.description, self.id)
        return bool(self.photo or self.description.data or any(f.errors for f in fields))


def _slot(form, number: int) -> PhotoSlot:
    name = f"photo_{number}"
    return PhotoSlot(
        number,
        form[name],
        form[f"{name}_description"],
        form[f"{name}_id"],
        form[f"{name}_remove"],
    )


def photo_slots(form) -> list[PhotoSlot]:
    """The slots as the page shows them: as read from the request or the idea, or empty."""
    return getattr(form, "photo_slots", None) or [_slot(form, n) for n in SLOTS]


def fill_from_idea(form, idea) -> None:
    """The form for an existing idea opens with its photos and their descriptions."""
    photos = photos_of(idea)
    slots = [_slot(form, n) for n in SLOTS]
    for slot, photo in zip(slots, photos, strict=False):
        slot.photo, slot.id.data, slot.description.data = photo, str(photo.id), photo.description
    form.photo_slots = slots


def validate_with_photos(form, user, idea=None) -> bool:
    """`form.validate_on_submit()`, and the photos read and checked as well.

    The photos are read even when another field has an error, so the photos sent stay
    with the form; not for a bot (the form's human check failed): it gets no drafts."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    if form.website.errors or form.form_started.errors:
        return False
    return _read_photos(form, user, idea) and valid


def save_photos(author, idea, form) -> None:
    """After the idea is saved: its photos become those of the form's slots."""
    set_idea_photos(author, idea, form.photo_choice)


def _files_beyond_the_slots(form) -> bool:
    ours = {form[f"photo_{n}"].name for n in SLOTS}
    return any(name not in ours and upload for name, upload in request.files.items(multi=True))


def _read_photos(form, user, idea) -> bool:
    slots = [_slot(form, n) for n in SLOTS]
    form.photo_slots, form.photo_choice = slots, []
    known = photos_by_id([n for n in (record_id(s.id.data) for s in slots) if n])
    if _files_beyond_the_slots(form):
        form.photos.errors = [*form.photos.errors, TOO_MANY]
        for slot in slots:
            slot.photo = _named_photo(slot, user, idea, known)
        return False
    for slot in slots:
        _read_slot(slot, user, idea, known)
        if slot.photo is None:
            continue
        if any(chosen.photo.id == slot.photo.id for chosen in form.photo_choice):
            slot.photo, slot.id.data = None, ""  # named twice (no page does that): once
            continue
        form.photo_choice.append(ChosenPhoto(slot.photo, slot.description.data or ""))
    return not any(
        field.errors
        for slot in slots
        for field in (slot.file, slot.description, slot.id, slot.remove)
    )


def _named_photo(slot: PhotoSlot, user, idea, known: dict[int, IdeaPhoto]) -> IdeaPhoto | None:
    """The photo the slot names, if it may: anything else is dropped with a message."""
    if not slot.id.data:
        return None
    photo = known.get(record_id(slot.id.data) or 0)
    if photo is None or not may_keep(user, photo, idea):
        slot.id.data = ""
        slot.file.errors = [*slot.file.errors, NOT_YOURS]
        return None
    return photo


def _read_slot(slot: PhotoSlot, user, idea, known: dict[int, IdeaPhoto]) -> None:
    slot.photo = _named_photo(slot, user, idea, known)
    upload = slot.file.data
    if upload:
        _take_upload(slot, user, upload)
    elif slot.remove.data:
        slot.photo, slot.id.data, slot.description.data = None, "", ""
    slot.remove.data = False
    if slot.photo is None:
        slot.id.data = ""
        if slot.description.data and not slot.file.errors:
            slot.file.errors = [*slot.file.errors, PHOTO_MISSING]
    elif not slot.description.data:
        slot.description.errors = [*slot.description.errors, DESCRIPTION_MISSING]
    elif slot.photo.is_draft and not slot.description.errors:
        slot.photo.description = slot.description.data  # the preview shows it as typed


def _take_upload(slot: PhotoSlot, user, upload) -> None:
    """A new file, or one replacing the slot's photo: kept as a draft if it is a photo."""
    try:
        draft = store_draft(user, _read_limited(upload), slot.description.data or "")
    except PhotoRefused as refused:
        slot.file.errors = [*slot.file.errors, str(refused)]
        return
    slot.photo, slot.id.data = draft, str(draft.id)


def _read_limited(upload) -> bytes:
    """The file's bytes, read no further than the limit (the request may be larger)."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise PhotoRefused(TOO_LARGE.format(mb=limit // (1024 * 1024)))
    if not data:
        raise PhotoRefused(EMPTY_FILE)
    return data


def _no_photo_sent() -> bool:
    return not any(upload for _name, upload in request.files.items(multi=True))


# Each form sent with at least one photo counts: processing photos costs time and space.
photo_upload_limit = person_and_address_limit(
    "PHOTO_RATE_LIMIT", ["POST"], exempt_when=_no_photo_sent
)


def allow_photo_uploads() -> None:
    """Before the request's body is read: the idea form's may hold three photos; every
    other form keeps MAX_CONTENT_LENGTH."""
    if request.endpoint in PHOTO_FORM_ENDPOINTS:
        request.max_content_length = current_app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"]
