"""What the home page and a town's page gather from the features below them.

Read-only, a fixed number of statements per page whatever the number of ideas; the
home page's figures are counted at most once a minute per process.
"""

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, true

from ..accounts.models import User
from ..extensions import db
from ..ideas.listing import IdeaFilter, IdeaPage, list_ideas, top_ideas
from ..ideas.models import Idea
from ..projects.models import Project, ProjectStatus
from ..roadmap.services import RoadmapFilter, list_projects

FIGURES_CACHE = "site_figures"


@dataclass(frozen=True)
class SiteFigures:
    """Signs of life: what the public can see, and how many take part."""

    ideas: int  # public ideas (published, in a project, answered)
    supports: int  # supports of those ideas, from the counts kept on each idea
    people: int  # confirmed accounts that were not deleted
    active_projects: int  # projects "In Umsetzung"


def count_site_figures() -> SiteFigures:
    """Three statements: the ideas' kept counts (the (listed, support_count) index holds
    both), the accounts, the projects. Never a count over the supports themselves."""
    ideas, supports = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Idea.support_count), 0)).where(
            Idea.listed == true()
        )
    ).one()
    people = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.confirmed_at.is_not(None), User.deleted_at.is_(None))
    )
    active = db.session.scalar(
        select(func.count()).select_from(Project).where(Project.status == ProjectStatus.ACTIVE)
    )
    return SiteFigures(int(ideas), int(supports), int(people or 0), int(active or 0))


def site_figures() -> SiteFigures:
    """The figures as counted at most SITE_FIGURES_SECONDS ago by this process (0: always
    fresh). A minute late is fine for the home page; counting on each visit is not."""
    seconds = current_app.config.get("SITE_FIGURES_SECONDS", 60)
    cached = current_app.extensions.get(FIGURES_CACHE)
    now = time.monotonic()
    if seconds > 0 and cached is not None and cached[0] > now:
        return cached[1]
    figures = count_site_figures()
    if seconds > 0:
        current_app.extensions[FIGURES_CACHE] = (now + seconds, figures)
    return figures


@dataclass
class IdeaLists:
    newest: list[Idea]
    supported: list[Idea]


def newest_and_most_supported(limit: int, municipality: str | None = None) -> IdeaLists:
    """A few public ideas twice: the newest and the most supported (two statements)."""
    return IdeaLists(
        newest=top_ideas(IdeaFilter(municipality=municipality, sort="newest"), limit),
        supported=top_ideas(IdeaFilter(municipality=municipality, sort="supported"), limit),
    )


@dataclass
class TownContent:
    newest: IdeaPage  # with the total of the town's public ideas
    supported: list[Idea]
    projects: list[Project]

    @property
    def shows_supported(self) -> bool:
        """A second list only when the newest do not already show every idea."""
        return self.newest.total > len(self.newest.ideas)


def town_content(slug: str, limit: int) -> TownContent:
    """A town's public ideas (newest, most supported) and the projects placed in it: the
    same statements whatever the number of ideas."""
    return TownContent(
        newest=list_ideas(IdeaFilter(municipality=slug), per_page=limit),
        supported=top_ideas(IdeaFilter(municipality=slug, sort="supported"), limit),
        projects=list_projects(RoadmapFilter(municipality=slug)),
    )
