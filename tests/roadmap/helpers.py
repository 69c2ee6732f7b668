"""Helpers for the public roadmap tests: projects made through the team's services."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from participation.extensions import db
from participation.projects import services as projects
from participation.projects.models import ProjectFollow
from participation.strategy.models import FieldOfAction
from tests.factories import create_user, get_municipality

SECRET_NOTE = "GEHEIM: Kämmerer skeptisch, Fördertopf wackelt"


def field_ids(*slugs: str) -> list[int]:
    rows = db.session.scalars(select(FieldOfAction).where(FieldOfAction.slug.in_(slugs)))
    by_slug = {row.slug: row.id for row in rows}
    return [by_slug[slug] for slug in slugs]


def make_project(
    team=None,
    *,
    title: str = "Mobilstationen an allen Bahnhöfen",
    fields: tuple = ("mobilitaet",),
    places: tuple = ("rheine",),
    ideas: tuple = (),
    **plan,
):
    """A project as the team creates it (create_project), committed."""
    team = team or create_user(roles=("team",))
    plan.setdefault("internal_notes", SECRET_NOTE)
    project = projects.create_project(
        team,
        projects.ProjectPlan(
            title=title,
            field_ids=field_ids(*fields),
            municipality_ids=[get_municipality(slug).id for slug in places],
            **plan,
        ),
        list(ideas),
    )
    db.session.commit()
    return project


def full_plan() -> dict:
    return {
        "summary": "Bus, Bahn, Rad und Carsharing an einem Ort.",
        "kind": "lead",
        "status": "active",
        "progress": 40,
        "what": "Zwölf Mobilstationen mit **Radboxen** und Ladesäulen.",
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2028, 12, 31),
        "place": "Bahnhofsvorplätze",
        "lead": "Kreis Steinfurt, Amt für Mobilität",
        "partners": "Städte und Gemeinden, Regionalverkehr Münsterland",
        "staff_fte": Decimal("1.50"),
        "budget": Decimal("1250000"),
    }


def follows(project) -> list[int]:
    """Who follows a project, as the database has it now."""
    db.session.expire_all()
    query = select(ProjectFollow.user_id).where(ProjectFollow.project_id == project.id)
    return sorted(db.session.scalars(query))
