"""Liveness check for load balancers and monitoring (README, "Überwachung")."""

import os
from functools import cache

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter

bp = Blueprint("health", __name__)


@cache
def migration_scripts(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """The heads and all revisions of the migration scripts, read once per process: they
    change only with the code."""
    config = AlembicConfig(os.path.join(directory, "alembic.ini"))
    config.set_main_option("script_location", directory)
    scripts = ScriptDirectory.from_config(config)
    return frozenset(scripts.get_heads()), frozenset(r.revision for r in scripts.walk_revisions())


def database_revisions() -> frozenset[str]:
    try:
        return frozenset(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:  # never migrated: no table
        db.session.rollback()
        return frozenset()


def migration_state() -> dict[str, str | None]:
    """The schema against the code: "current", "behind" (`flask db upgrade` is due) or
    "ahead" (the database is at a revision this code does not know: newer code migrated it)."""
    code, known = migration_scripts(current_app.extensions["migrate"].directory)
    database = database_revisions()
    if database == code:
        state = "current"
    elif database - known:
        state = "ahead"
    else:
        state = "behind"
    return {
        "migrations": state,
        "database_revision": ",".join(sorted(database)) or None,
        "code_revision": ",".join(sorted(code)),
    }


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """503 only when the database does not answer: that is what a load balancer acts on.
    Migrations not matching the code give "degraded" with 200 (README, "Überwachung")."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    migrations = migration_state()
    status = "ok" if migrations["migrations"] == "current" else "degraded"
    return jsonify(status=status, database="ok", **migrations)
