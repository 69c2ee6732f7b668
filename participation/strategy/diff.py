"""What changed between two versions of a text, line by line and within a changed line.

Blank lines only separate Markdown paragraphs, so they are left out of both the count
and the comparison. The result is plain text in pieces; the template escapes it.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, ADDED, REMOVED, CHANGED, GAP = "same", "added", "removed", "changed", "gap"
CONTEXT = 2  # unchanged lines shown around each change
# Below this likeness a replaced line reads better as removed and added than word by word.
WORD_DIFF_MIN_RATIO = 0.5
_WORDS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class DiffLine:
    """One line of the comparison: `segments` are (SAME|ADDED|REMOVED, text) pieces;
    a GAP stands for `skipped` unchanged lines left out."""

    kind: str
    segments: tuple[tuple[str, str], ...] = ()
    skipped: int = 0


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _matcher(old: list[str], new: list[str]) -> SequenceMatcher:
    return SequenceMatcher(None, old, new, autojunk=False)


def count_changed_lines(old: str, new: str) -> tuple[int, int]:
    """(added, removed) non-blank lines; a changed line counts as one of each."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in _matcher(_lines(old), _lines(new)).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def line_diff(old: str, new: str) -> list[DiffLine]:
    """The changes with CONTEXT unchanged lines around each; the rest as gaps."""
    before, after = _lines(old), _lines(new)
    matcher = _matcher(before, after)
    if before == after:
        return []
    result: list[DiffLine] = []
    shown_until = 0
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if group[0][1] > shown_until:
            result.append(DiffLine(GAP, skipped=group[0][1] - shown_until))
        for tag, i1, i2, j1, j2 in group:
            result.extend(_diff_lines(tag, before[i1:i2], after[j1:j2]))
        shown_until = group[-1][2]
    if shown_until < len(before):
        result.append(DiffLine(GAP, skipped=len(before) - shown_until))
    return result


def _diff_lines(tag: str, old: list[str], new: list[str]) -> list[DiffLine]:
    if tag == "equal":
        return [DiffLine(SAME, ((SAME, line),)) for line in old]
    if tag == "replace" and len(old) == len(new):
        return [line for pair in zip(old, new, strict=True) for line in _changed_line(*pair)]
    return [
        *(DiffLine(REMOVED, ((REMOVED, line),)) for line in old),
        *(DiffLine(ADDED, ((ADDED, line),)) for line in new),
    ]


def _changed_line(old: str, new: str) -> list[DiffLine]:
    """A line changed in a few words: those words marked within it."""
    before, after = _WORDS.split(old), _WORDS.split(new)
    matcher = _matcher(before, after)
    if matcher.ratio() < WORD_DIFF_MIN_RATIO:
        return [DiffLine(REMOVED, ((REMOVED, old),)), DiffLine(ADDED, ((ADDED, new),))]
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append((SAME, "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append((REMOVED, "".join(before[i1:i2])))
        if j2 > j1:
            segments.append((ADDED, "".join(after[j1:j2])))
    return [DiffLine(CHANGED, tuple(segments))]
