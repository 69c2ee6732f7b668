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
