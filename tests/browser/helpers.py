"""Steps a person takes in the browser, shared by the browser tests."""

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
