"""The migrations build exactly the schema the models describe, and can be undone."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from participation.extensions import db
from participation.strategy.models import Municipality
from tests.conftest import reset_schema
from tests.factories import count_rows

COMPARE_OPTIONS = ("compare_type", "compare_server_default", "include_object", "include_name")


def app_tables() -> set[str]:
    db.session.remove()
    return {
        name
        for name in inspect(db.engine).get_table_names()
        if name != "alembic_version" and not name.startswith("sqlite_")
    }


def test_models_and_migrations_agree(app):
    configured = app.extensions["migrate"].configure_args
    options = {key: configured[key] for key in COMPARE_OPTIONS if key in configured}
    assert options.get("compare_type") is True
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect the expression index on lower(email); the accounts
        # tests check it by behaviour (two addresses differing in case are refused).
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_history_is_one_line(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(app):
    model_tables = set(db.metadata.tables)
    assert model_tables <= app_tables()
    try:
        db.session.remove()  # PostgreSQL: no open transaction may hold a lock on a table
        downgrade(revision="base")
        assert app_tables() == set()
        upgrade()
        assert app_tables() >= model_tables
        assert count_rows(Municipality) == 0  # migrations build tables; `seed` fills them
    finally:
        reset_schema()
    assert count_rows(Municipality) == 25
