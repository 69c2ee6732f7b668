"""The one rule for the names people give themselves: visible, and not the staff's.

A display name is shown next to every contribution. Characters nobody sees
(zero-width spaces, soft hyphens, direction overrides) make two names look
alike or turn a name around; a name like "Moderation" or "Kreis Steinfurt"
makes a resident look like the people who run the platform. Registration and
the profile form ask `name_problem`; staff accounts are named by the operators.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context

from ..templating import load_district_data

# Categories nobody can see or that change how the text around them is laid out:
# control and format characters (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069,
# U+FEFF, U+00AD, ...), private use, unassigned, and line or paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Letters that render as nothing (Hangul fillers, blank Braille) and the grapheme joiner.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
MAX_STACKED_MARKS = 2  # enough for any language (Vietnamese uses two), not for "Zalgo" text

# What readers take for the same letter: digits and signs written for letters, and
# Cyrillic and Greek letters that look Latin. i, l, 1, | and ! all count as one.
_CONFUSABLES = str.maketrans(
    {
        **dict.fromkeys("0οоσ", "o"),
        **dict.fromkeys("1il|!ıіӏιℓ", "l"),
        **dict.fromkeys("3€еε", "e"),
        **dict.fromkeys("4@аα", "a"),
        **dict.fromkeys("5$ѕ", "s"),
        **dict.fromkeys("7тτ", "t"),
        **dict.fromkeys("8вβ", "b"),
        **dict.fromkeys("9ɡ", "g"),
        **dict.fromkeys("2", "z"),
        **dict.fromkeys("рρ", "p"),
        **dict.fromkeys("сϲ", "c"),
        **dict.fromkeys("хχ", "x"),
        **dict.fromkeys("уγ", "y"),
        **dict.fromkeys("кκ", "k"),
        **dict.fromkeys("м", "m"),
        **dict.fromkeys("нһ", "h"),
        **dict.fromkeys("ԁ", "d"),
        **dict.fromkeys("јϳ", "j"),
        **dict.fromkeys("ԝ", "w"),
        **dict.fromkeys("ν", "v"),
        **dict.fromkeys("υ", "u"),
    }
)
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"))
_WORD = re.compile(r"[^\W_]+")

# Found inside a word too ("Moderatorin", "kreissteinfurtfan"), or spread over
# neighbouring words ("Kreis-Steinfurt", "Mod eration"); not across a word's end
# ("Roland Rath" is no "Landrat").
STAFF_TERMS = (
    "Moderation",
    "Moderator",
    "Administrator",
    "Kreisverwaltung",
    "Projektteam",
    "Lenkungsausschuss",
    "Landrat",
)
# The district's name ("Kreis Steinfurt") and its bodies come from its data file and
# count like the terms above; the platform's name ("#Zukunft ST") counts as words of its
# own ("#ZukunftST", "Team Rheine", "PeterAdmin"), not inside an ordinary word ("Steam",
# "Zukunftstag"). Words written together count as separate where the case changes.
# Organisations may carry these ("IT-Support Meyer", "Team Hausarzt"); people may not.
STAFF_WORDS = ("Admin", "Team", "Support")

INVISIBLE_MESSAGE = (
    "{label} enthält unsichtbare oder die Schreibrichtung ändernde Zeichen, "
    "etwa aus kopiertem Text. Bitte tippen Sie ihn noch einmal ein."
)
STACKED_MESSAGE = (
    "{label} enthält zu viele übereinandergesetzte Zeichen. "
    f"Bitte verwenden Sie höchstens {MAX_STACKED_MARKS} Akzente je Buchstabe."
)
RESERVED_MESSAGE = (
    "Namen wie „Moderation“, „Team“ oder der Name des Kreises sind den Mitarbeitenden "
    "vorbehalten, damit niemand Sie mit ihnen verwechselt. Bitte wählen Sie einen anderen Namen."
)


@dataclass(frozen=True)
class ReservedNames:
    anywhere: tuple[str, ...]
    platform: tuple[str, ...]
    words: tuple[str, ...]


def name_problem(
    name: str | None, *, organisation: bool = False, reserved_allowed: bool = False
) -> str | None:
    """What is wrong with a display name (or organisation name), in German; None if nothing."""
    if not name:
        return None
    label = "Der Name der Organisation" if organisation else "Der Anzeigename"
    if any(_is_invisible(char) for char in name):
        return INVISIBLE_MESSAGE.format(label=label)
    if _stacked_marks(name) > MAX_STACKED_MARKS:
        return STACKED_MESSAGE.format(label=label)
    if not reserved_allowed and _impersonates(name, organisation):
        return RESERVED_MESSAGE
    return None


def _is_invisible(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Zs":
        return char != " "  # no-break, en, em, thin, ideographic ... spaces
    return category in _INVISIBLE_CATEGORIES or char in _BLANK_LETTERS


def _stacked_marks(name: str) -> int:
    longest = run = 0
    for char in name:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        longest = max(longest, run)
    return longest


def skeleton_words(text: str) -> list[str]:
    """The words of a text as a reader may take them: no accents, case, signs or lookalikes."""
    text = _split_where_case_changes(unicodedata.normalize("NFKC", text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.casefold().translate(_CONFUSABLES)
    words = _WORD.findall(text)
    for pair, letter in _LOOKALIKE_PAIRS:
        words = [word.replace(pair, letter) for word in words]
    return words


def _split_where_case_changes(text: str) -> str:
    """Split "PeterAdmin" into "Peter Admin" and "TEAMRheine" into "TEAM Rheine"."""
    out = []
    for index, char in enumerate(text):
        before, after = text[index - 1 : index], text[index + 1 : index + 2]
        # Not before a last capital: "ADMlN" is one word, not "ADMl" and an initial.
        starts_word = before.islower() or (before.isupper() and after.islower())
        if char.isupper() and after and starts_word:
            out.append(" ")
        out.append(char)
    return "".join(out)


def _impersonates(name: str, organisation: bool) -> bool:
    words = skeleton_words(name)
    runs = _word_runs(words)
    reserved = reserved_names()
    if any(term in word for term in reserved.anywhere for word in words):
        return True
    whole_words = reserved.platform if organisation else reserved.platform + reserved.words
    return not runs.isdisjoint(reserved.anywhere + whole_words)


def _word_runs(words: list[str]) -> set[str]:
    """Every run of neighbouring words written together: "T e a m", "Zukunft ST".

    A run does not take in a surname's initial after a first name: "Tea M." stays a name.
    """
    runs = set()
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            initial = end - start > 1 and len(words[end - 1]) == 1 < len(words[end - 2])
            if not initial:
                runs.add("".join(words[start:end]))
    return runs


def reserved_names() -> ReservedNames:
    """The fixed staff terms plus the district's own names from its data file."""
    path = current_app.config.get("DISTRICT_DATA", "") if has_app_context() else ""
    return _reserved_names(path)


@lru_cache(maxsize=8)
def _reserved_names(district_data_path: str) -> ReservedNames:
    data = load_district_data(district_data_path) if district_data_path else {}
    site = data.get("site", {})
    bodies = [part for body in data.get("bodies", []) for part in body["name"].split(" und ")]
    anywhere = [*STAFF_TERMS, site.get("district", ""), *bodies]
    platform = [site.get("name", "")]
    return ReservedNames(
        anywhere=_skeletons(anywhere), platform=_skeletons(platform), words=_skeletons(STAFF_WORDS)
    )


def _skeletons(terms) -> tuple[str, ...]:
    return tuple(sorted({"".join(skeleton_words(term)) for term in terms} - {""}))
