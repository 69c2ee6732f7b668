"""When even the page layout cannot be rendered (e.g. the database is gone), the
visitor still gets a German error page with the legal links, never a traceback."""

from sqlalchemy.exc import OperationalError

import participation.strategy.services as strategy_services
import participation.templating as templating


def _database_gone(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_error_page_without_layout_when_the_database_is_down(client, monkeypatch, caplog):
    monkeypatch.setattr(strategy_services, "list_fields", _database_gone)
    monkeypatch.setattr(templating, "site_identity", _database_gone)

    response = client.get("/")

    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in body
    assert 'href="/impressum"' in body and 'href="/datenschutz"' in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert "Fehlerseite 500 ohne Layout" in caplog.text
