"""Steps a person takes in the browser, shared by the browser tests."""

import re

from tests.factories import PASSWORD, fresh_code


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would; with a second factor, the code
    from the app (computed here) goes into the second step."""
    page.goto("/login")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/(account|login/code)$"))
    if page.url.endswith("/login/code"):
        enter_code(page, fresh_code(email))
    # Without a target, staff land on their work (`roles.landing_endpoint`).
    page.wait_for_url(re.compile(r"/(account|moderation|pipeline)$"))


def enter_code(page, code: str) -> None:
    """The second step of signing in: the code into its field, then "Anmelden"."""
    page.get_by_label("Code aus der Authenticator-App").fill(code)
    page.locator("main").get_by_role("button", name="Anmelden").click()


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


# Project pipeline (tests/browser/test_pipeline_*.py) ------------------------------------

LAPTOP = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
}


def open_laptop(new_phone):
    """A page on a laptop-sized screen (1280×800, mouse and keyboard), watched like a phone."""
    return new_phone(**LAPTOP)


def rate_with_keyboard(page, relevance: int, feasibility: int, note: str = "") -> None:
    """Fill the rating form with the keyboard only: Space and arrow keys in each radio
    group, Tab from group to group, Enter on the button."""
    page.get_by_role("group", name="Relevanz").get_by_role("radio").first.focus()
    for value in (relevance, feasibility):
        page.keyboard.press("Space")  # checks "1"; each arrow key moves one step up
        for _ in range(value - 1):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # into the next group (at its first radio), or the note
    if note:
        page.keyboard.type(note)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Bewertung speichern", focused(page)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def assert_fits_phone(page, width: int = 390) -> None:
    """WCAG 1.4.10: the page itself never scrolls sideways; wide tables scroll in a region."""
    assert page_width(page) <= width, f"{page.url} ist {page_width(page)} px breit"


def tab_to(page, locator, limit: int = 150) -> int:
    """Press Tab (from wherever focus is) until `locator` has focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} ist mit Tab nicht erreichbar ({limit} Tabs)")


def has_visible_focus(locator) -> bool:
    """Keyboard focus is drawn: an outline or ring, not `outline: none`."""
    return locator.evaluate(
        """el => {
          const style = getComputedStyle(el);
          const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
          return el.matches(':focus-visible') && (outline || style.boxShadow !== 'none');
        }"""
    )
