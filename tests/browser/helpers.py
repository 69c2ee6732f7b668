"""Steps a person takes in the browser, shared by the browser tests."""

import re

from tests.factories import PASSWORD


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/login")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/account")


def focused(page) -> dict:
    """Id, tag, classes and text of the element that has keyboard focus."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {id: el.id, tag: el.tagName.toLowerCase(), classes: el.className,
                  text: (el.innerText || '').trim()};
        }"""
    )


def watch_navigation(page) -> None:
    """Mark the loaded document; a reload or a new page loses the mark."""
    page.evaluate("window.__samePage = true")


def no_navigation_since(page) -> None:
    """Fail when the page navigated since `watch_navigation` (the mark is gone)."""
    assert page.evaluate("window.__samePage === true"), "Die Seite wurde neu geladen."


def submit_idea(page, title: str, body: str, field: str, municipality: str) -> None:
    """Submit an idea through the form and its preview step, as a person would."""
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Beschreibung").fill(body)
    page.get_by_label("Handlungsfeld").select_option(label=field)
    page.get_by_label("Kommune").select_option(label=municipality)
    page.get_by_role("button", name="Weiter zur Vorschau").click()
    page.get_by_role("button", name="Idee einreichen").click()
    page.wait_for_url(re.compile(r"/ideas/\d+$"))


def seed_reason_templates() -> None:
    """The district's default reason templates (they are emptied after every test)."""
    from flask import current_app

    from participation.extensions import db
    from participation.moderation.services import seed_reason_templates as seed
    from participation.templating import load_district_data

    seed(load_district_data(current_app.config["DISTRICT_DATA"]))
    db.session.commit()
