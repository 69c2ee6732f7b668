"""The site's texts as the administration edits them: versions, restore, open gaps, and
the facts the software states itself on the Datenschutz page.

Every change writes a new `PageVersion` (the page shows the newest), an audit entry,
and only flushes; the request commits. The shipped text is the first version.
"""

import re

from flask import current_app
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..maps import tile_host_names
from ..roles import is_admin
from ..rules import RuleError
from ..timeutil import utcnow
from .diff import count_changed_lines
from .models import Page, PageVersion

# The pages the administration edits, in the order it lists them, and where the public
# reads each. "start" is the home page's introduction, shown without its own heading.
PUBLIC_ENDPOINTS = {
    "start": "pages.home",
    "impressum": "strategy.impressum",
    "datenschutz": "strategy.datenschutz",
    "barrierefreiheit": "strategy.barrierefreiheit",
    "leichte-sprache": "strategy.leichte_sprache",
    "vision": "strategy.vision",
    "process": "strategy.process",
}
UNTITLED = frozenset({"start"})
FACTS_PAGE = "datenschutz"
START_TITLE = "Einleitung der Startseite"
TITLE_MAX, BODY_MAX = 200, 60_000
# "[Anschrift]" in a shipped template, but not a link "[Impressum](/impressum)".
_GAP = re.compile(r"\[([^\[\]\n]{2,120})\](?![(\[])")


class TextError(RuleError):
    """A rule about editing the site's texts was broken."""


def editable_pages() -> list[Page]:
    pages = db.session.scalars(select(Page).where(Page.slug.in_(PUBLIC_ENDPOINTS)))
    return sorted(pages, key=lambda page: list(PUBLIC_ENDPOINTS).index(page.slug))


def get_editable_page(slug: str) -> Page | None:
    if slug not in PUBLIC_ENDPOINTS:
        return None
    return db.session.scalar(select(Page).where(Page.slug == slug))


def has_own_title(page: Page) -> bool:
    return page.slug not in UNTITLED


def open_gaps(body: str) -> list[str]:
    """What the text still leaves in [brackets] for the operator to fill in."""
    return list(dict.fromkeys(_GAP.findall(body or "")))


def latest_versions(pages: list[Page]) -> dict[int, PageVersion]:
    """Each page's newest version (who changed it last, and when), in one query."""
    newest = (
        select(func.max(PageVersion.id))
        .where(PageVersion.page_id.in_([page.id for page in pages]))
        .group_by(PageVersion.page_id)
    )
    rows = db.session.scalars(select(PageVersion).where(PageVersion.id.in_(newest)))
    return {version.page_id: version for version in rows}


def history(page: Page) -> list[PageVersion]:
    """All versions of the page, newest (the one it shows) first."""
    query = (
        select(PageVersion).where(PageVersion.page_id == page.id).order_by(PageVersion.id.desc())
    )
    return list(db.session.scalars(query))


def get_version(page: Page, version_id: int) -> PageVersion | None:
    version = db.session.get(PageVersion, version_id)
    return version if version is not None and version.page_id == page.id else None


def predecessor(version: PageVersion) -> PageVersion | None:
    query = (
        select(PageVersion)
        .where(PageVersion.page_id == version.page_id, PageVersion.id < version.id)
        .order_by(PageVersion.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise TextError("Die Texte der Website bearbeitet nur die Administration.")


def _new_version(page: Page, title: str, body: str, author=None, restored_from=None):
    """Write the version and show it: the counts compare it with what the page had."""
    added, removed = count_changed_lines(page.body or "", body)
    version = PageVersion(
        page=page,
        title=title,
        body=body,
        is_shipped=author is None,
        author=author,
        restored_from=restored_from,
        lines_added=added,
        lines_removed=removed,
        created_at=utcnow(),
    )
    db.session.add(version)
    page.title, page.body = title, body
    return version


def _edited(actor, page: Page, action: str, version: PageVersion, before: dict) -> None:
    page.edited_at = version.created_at
    page.is_placeholder = False
    db.session.flush()
    after = {
        "title": version.title,
        "version": version.id,
        "lines_added": version.lines_added,
        "lines_removed": version.lines_removed,
    }
    if version.restored_from is not None:
        after["restored_from"] = version.restored_from.id
    audit.record(actor, action, page, before=before, after=after)
    current_app.logger.info("Text %s geändert (%s) durch %s", page.slug, action, actor.id)


def _before(page: Page) -> dict:
    return {"title": page.title, "placeholder": page.is_placeholder}


def save_page(
    actor, page: Page, body: str, title: str | None = None, base_version: int | None = None
) -> PageVersion | None:
    """Save the text as a new version; None when it is what the page has already.

    Without `title` (pages shown without a heading) the title stays. `base_version` is
    the version the editor started from: when someone saved another meanwhile, nothing
    is saved (two people editing at once would silently undo each other's work)."""
    _require_admin(actor)
    _refuse_if_changed_since(page, base_version)
    title = page.title if title is None else title.strip()
    body = body.replace("\r\n", "\n").strip()
    if not title:
        raise TextError("Bitte geben Sie einen Titel an.", "title")
    if not body:
        raise TextError("Bitte geben Sie den Text an.", "body")
    if (title, body) == (page.title, page.body.strip()):
        return None  # the shipped texts end in a line break; the form trims it
    before = _before(page)
    version = _new_version(page, title, body, author=actor)
    _edited(actor, page, "page.edit", version, before)
    return version


def _refuse_if_changed_since(page: Page, base_version: int | None) -> None:
    newest = latest_versions([page]).get(page.id)
    if base_version is None or newest is None or newest.id == base_version:
        return
    who = newest.author.display_name if newest.author else "die Auslieferung"
    raise TextError(
        f"Während Sie geschrieben haben, hat {who} den Text geändert. Ihr Text steht noch "
        "im Feld; bitte vergleichen Sie ihn mit der aktuellen Fassung (unter „Frühere "
        "Fassungen“) und speichern Sie dann erneut.",
        "body",
    )


def restore_version(actor, version: PageVersion) -> PageVersion | None:
    """Show an earlier version again, as a new version; None when the page shows it now."""
    _require_admin(actor)
    page = version.page
    if (version.title, version.body) == (page.title, page.body):
        return None
    before = _before(page)
    restored = _new_version(page, version.title, version.body, author=actor, restored_from=version)
    _edited(actor, page, "page.restore", restored, before)
    return restored


def ship_text(page: Page, title: str, body: str, is_placeholder: bool) -> PageVersion:
    """`seed`: the shipped text of a new page, or a new one for a page nobody edited."""
    page.is_placeholder = is_placeholder
    return _new_version(page, title, body)


def is_current(version: PageVersion) -> bool:
    """Whether the page shows this version's text now (restoring it would change nothing)."""
    return (version.title, version.body) == (version.page.title, version.page.body)


def facts_for(page: Page) -> dict | None:
    """The software's own facts, for the one page that states them."""
    return software_facts() if page.slug == FACTS_PAGE else None


def software_facts() -> dict:
    """What the Datenschutz page says that the software decides, from its settings.

    Shown under the page's text however it was edited, so an edit cannot contradict
    the periods `flask retention run` applies or the cookie the app sets."""
    config = current_app.config
    return {
        "unconfirmed_days": config["RETENTION_UNCONFIRMED_DAYS"],
        "sent_mail_days": config["RETENTION_SENT_MAIL_DAYS"],
        "notification_days": config["RETENTION_NOTIFICATION_DAYS"],
        "mails_per_day": config["NOTIFICATION_MAILS_PER_DAY"],
        "sign_in_days": config["RETENTION_SIGN_IN_DAYS"],
        "moderation_text_days": config["RETENTION_MODERATION_TEXT_DAYS"],
        "photo_draft_hours": config["RETENTION_PHOTO_DRAFT_HOURS"],
        "cookie_name": config["SESSION_COOKIE_NAME"],
        "remember_days": config["RESIDENT_REMEMBER_DAYS"],
        # A configured tile server sees who looks at a map (maps.py): named here.
        "tile_hosts": tile_host_names(config["MAP_TILE_URL"]) if config["MAP_TILE_URL"] else (),
    }
