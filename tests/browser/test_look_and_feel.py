"""The main public pages on a phone: nothing scrolls sideways or is cut off at 320 px and
with text at 200 %, every control outside running text is a 24-px target (WCAG 2.5.8),
and axe finds nothing in the light and in the dark theme."""

from pathlib import Path

import pytest

from tests.browser.helpers import log_in
from tests.browser.test_accessibility import _idea_with_discussion, assert_no_violations
from tests.browser.test_roadmap_browser import a_busy_roadmap
from tests.factories import create_user

pytestmark = pytest.mark.browser

TARGETS_JS = (Path(__file__).parent / "target_sizes.js").read_text(encoding="utf-8")
# The phone's text size setting, as a browser applies it: every rem and em doubles.
DOUBLE_TEXT = "document.documentElement.style.fontSize = '200%'"
CUT_TEXT_JS = """() => Array.from(document.querySelectorAll('body *')).filter((el) => {
  const style = getComputedStyle(el);
  const clips = [style.overflowX, style.overflowY].some((o) => o === 'hidden' || o === 'clip');
  const hiddenOnPurpose = el.closest('.visually-hidden, .hp') || el.clientWidth <= 1;
  return clips && !hiddenOnPurpose && el.getClientRects().length > 0
    && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
    && el.textContent.trim() !== '';
}).map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`)"""
SIGNED_IN_PAGES = ("/ideas/new",)


def main_pages() -> list[str]:
    """Home, ideas, an idea, towns, a town, fields, a field, roadmap, a project, sign-in."""
    idea = _idea_with_discussion()
    project, *_ = a_busy_roadmap()
    return [
        "/",
        "/ideas",
        f"/ideas/{idea.id}",
        "/municipalities",
        "/municipalities/rheine",
        "/fields",
        "/fields/bevoelkerungsschutz-gesundheit",
        "/roadmap",
        f"/projects/{project.id}",
        "/login",
        "/register",
    ]


def layout_problems(page, path: str, double_text: bool) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if double_text:
        page.evaluate(DOUBLE_TEXT)
    problems = []
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll > client:
        problems.append(f"{path}: {scroll} px breit bei {client} px")
    problems += [f"{path}: abgeschnitten {el}" for el in page.evaluate(CUT_TEXT_JS)]
    problems += [f"{path}: zu klein {target}" for target in page.evaluate(TARGETS_JS)]
    return problems


@pytest.mark.parametrize("double_text", [False, True], ids=["320px", "320px-text-200"])
def test_pages_reflow_and_have_24_px_targets_at_320_px(new_phone, double_text):
    paths = main_pages()
    page = new_phone(width=320)
    problems = [p for path in paths for p in layout_problems(page, path, double_text)]

    log_in(page, create_user(municipality="rheine").email)
    for path in (*SIGNED_IN_PAGES, paths[2]):
        problems += layout_problems(page, path, double_text)

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_light_and_the_dark_theme(new_phone, scheme):
    paths = main_pages()
    page = new_phone(width=320, color_scheme=scheme)
    for path in paths:
        page.goto(path)
        assert_no_violations(page)

    log_in(page, create_user(municipality="rheine").email)
    for path in (*SIGNED_IN_PAGES, paths[2]):
        page.goto(path)
        assert_no_violations(page)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")


def test_the_dark_theme_follows_the_phone_setting(new_phone):
    light, dark = new_phone(color_scheme="light"), new_phone(color_scheme="dark")
    colours = "() => ['backgroundColor', 'color'].map((n) => getComputedStyle(document.body)[n])"

    light.goto("/")
    dark.goto("/")

    assert light.evaluate(colours) == ["rgb(255, 255, 255)", "rgb(27, 31, 35)"]
    assert dark.evaluate(colours) == ["rgb(17, 22, 25)", "rgb(232, 237, 240)"]
    assert dark.locator('meta[name="color-scheme"]').get_attribute("content") == "light dark"
