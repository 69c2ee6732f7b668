"""Helpers shared by the accounts tests: a valid sign-up, pages compared without their
variable parts, and whether a browser is signed in."""

import re

from markupsafe import escape

from tests.helpers import html_of

NEW_PASSWORD = "ein langes neues Passwort"
WRONG_LOGIN = "E-Mail-Adresse oder Passwort ist nicht richtig."
INVALID_LINK = "Dieser Link funktioniert nicht (mehr)"


def registration(**changes) -> dict:
    """The sign-up form filled in validly; `None` leaves a field out."""
    data = {
        "kind": "resident",
        "organisation_name": "",
        "email": "anna@example.org",
        "display_name": "Anna M.",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "municipality": "0",
        "accept_privacy": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def without_variable_parts(html: str, email: str) -> str:
    """A page with the echoed e-mail address and the CSRF token blanked out."""
    html = html.replace(str(escape(email)), "EMAIL")
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1value=""', html)


def logged_in(browser) -> bool:
    response = browser.get("/account")
    return response.status_code == 200 and "<h1>Mein Konto</h1>" in html_of(response)
