"""The one rule for a new password beyond its length: not easily guessed.

zxcvbn (Dropbox's estimator, Python port, MIT) knows the 30,000 most common passwords,
first names, surnames, English words, keyboard rows, dates, repeats and sequences,
also in "l33t" spelling, and estimates how many guesses an attacker needs. It runs
in the process: no password leaves the server.

An attacker tries the person's own names first, and on this site the platform's and
the district's. A password that contains one of them whole is refused outright; their
words also count as known words for the estimate ("Steinfurt2024" is weak).
"""

import re
import threading
import unicodedata
from functools import lru_cache

from flask import current_app, has_app_context
from zxcvbn import zxcvbn

from ..templating import load_district_data
from .names import skeleton_words

# zxcvbn's score 3: at least 10^8 guesses. Below that are "Sonnenschein1",
# "Schatzi2020", "Borussia09" and "Passwort!23"; a sentence of a few words is far above.
MIN_SCORE = 3
ESTIMATED_LENGTH = 72  # zxcvbn refuses longer input; the rest of the password only adds
# Shorter names would refuse too much ("Jo" in every "Joghurt"); they still count as words.
MIN_CONTAINED = 4

COMMON_MESSAGE = (
    "Dieses Passwort ist sehr verbreitet und leicht zu erraten. "
    "Ein Satz aus mehreren Wörtern ist sicherer und leicht zu merken."
)
CONTAINS_MESSAGE = (
    "Das Passwort enthält {what}. Solche Passwörter probieren Angreifer zuerst aus. "
    "Ein Satz aus mehreren Wörtern ist sicherer und leicht zu merken."
)
_SPLIT = re.compile(r"[\W_]+")
# zxcvbn keeps the words of the person in a module-wide dictionary while it estimates.
_estimating = threading.Lock()


def password_problem(
    password: str, *, email: str = "", display_name: str = "", organisation_name: str = ""
) -> str | None:
    """What is wrong with a new password, in German; None if nothing.

    The e-mail address and the names are those of the person choosing the password.
    """
    local_part = email.rpartition("@")[0] if "@" in email else email
    own = {
        "den Teil Ihrer E-Mail-Adresse vor dem @": local_part,
        "Ihren Anzeigenamen": display_name,
        "den Namen Ihrer Organisation": organisation_name,
    }
    what = _contained(password, own)
    if what:
        return CONTAINS_MESSAGE.format(what=what)
    known = (*own.values(), *_district_names())
    words = [word for text in known for word in _SPLIT.split(text.lower()) if word]
    with _estimating:
        score = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=words)["score"]
    return COMMON_MESSAGE if score < MIN_SCORE else None


def _contained(password: str, own: dict[str, str]) -> str | None:
    """Which of the names the password contains, as the message names it."""
    squeezed = _squeeze(password)
    candidates = [
        *own.items(),
        *(("den Namen der Plattform oder des Kreises", name) for name in _district_names()),
    ]
    plain = _plain(password)
    for what, text in candidates:
        if _contains(squeezed, plain, text or ""):
            return what
    return None


def _contains(squeezed: str, plain: str, text: str) -> bool:
    needle = _squeeze(text)
    if len(needle) < MIN_CONTAINED or needle not in squeezed:
        return False
    letters = [char for char in _plain(text) if char.isascii() and char.isalnum()]
    spelled = "[^a-z0-9]*".join(re.escape(char) for char in letters)
    if not re.search(spelled, plain):
        return True  # written with lookalikes: "Kr3is 5teinfurt"
    # A longer word is another word: "Zukunftstag" is not "Zukunft ST", "Annamarie" not "Anna M."
    return re.search(spelled + "(?![a-z])", plain) is not None


def _squeeze(text: str) -> str:
    """Letters as a reader takes them, without spaces or signs: "Kreis-5teinfurt"."""
    return "".join(skeleton_words(text))


def _plain(text: str) -> str:
    """Lower case without accents."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def _district_names() -> tuple[str, ...]:
    path = current_app.config.get("DISTRICT_DATA", "") if has_app_context() else ""
    return _names_in(path)


@lru_cache(maxsize=8)
def _names_in(district_data_path: str) -> tuple[str, ...]:
    site = load_district_data(district_data_path).get("site", {}) if district_data_path else {}
    return tuple(name for name in (site.get("name"), site.get("district")) if name)
