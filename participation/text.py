"""The one way user text becomes HTML: light Markdown, then bleach."""

import re
from functools import lru_cache
from html import unescape

import bleach
import markdown
from markupsafe import Markup

# "#Zukunft" at the start of a line is a hashtag, not a heading (headings need a space).
_HASHTAG_AT_LINE_START = re.compile(r"^(?=#+[^\s#])", re.MULTILINE)
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "nofollow noopener ugc"
# "<" starts raw HTML, shown as text, unless it opens an autolink such as <https://…>.
_RAW_HTML_START = re.compile(r"<(?!https?://[^\s<>]*>)", re.IGNORECASE)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DROPPED_BY_BROWSERS = re.compile(r"[\t\n\r]|^[\x00-\x20]+|[\x00-\x20]+$")


def _leaves_the_site(href: str) -> bool:
    """True unless the link is a path on this site, read the way browsers read it.

    Browsers drop tabs and line breaks, trim control characters and treat "\\" as
    "/", so "/\\evil.org" and " //evil.org" lead elsewhere just like "HTTPS://…".
    """
    url = _DROPPED_BY_BROWSERS.sub("", unescape(href)).replace("\\", "/")
    return url.startswith("//") or _SCHEME.match(url) is not None


def _external_link_rel(attrs: dict, new: bool = False) -> dict:
    """Links elsewhere get exactly these rel values, replacing any that were there."""
    if _leaves_the_site(attrs.get((None, "href"), "")):
        attrs[(None, "rel")] = EXTERNAL_REL
    return attrs


# A list item: "- ", "* ", "+ " or "1. " with at most three spaces before it (four make code).
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+\.)[ \t]+\S")


def _lists_start_after_a_line(source: str) -> str:
    """People write a list right under a line of text, and text right under a list;
    Markdown wants a blank line between them.

    Adds that blank line, so the preview and the published page both show a list and
    then a paragraph. Indented lines (an item's continuation, code) stay as they are.
    """
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    result: list[str] = []
    in_list = False
    for line in lines:
        is_item = _LIST_ITEM.match(line) is not None
        ends_list = in_list and not is_item and line[:1] not in ("", " ", "\t")
        starts_list = is_item and not in_list and result and result[-1].strip()
        if starts_list or ends_list:
            result.append("")
        in_list = is_item or (in_list and not ends_list and bool(line.strip()))
        result.append(line)
    return "\n".join(result)


def render_markdown(source: str | None) -> Markup:
    """Render Markdown written by anyone into HTML that is safe to show."""
    return Markup(_sanitised_html(source or ""))  # noqa: S704 - sanitised by bleach


@lru_cache(maxsize=4096)
def _sanitised_html(source: str) -> str:
    """Markdown, then bleach. A pure function of the text, so popular pages reuse it."""
    # Raw HTML in what people write is shown as text, not interpreted.
    text = _RAW_HTML_START.sub("&lt;", _HASHTAG_AT_LINE_START.sub(r"\\", source))
    text = _lists_start_after_a_line(text)
    html = markdown.markdown(
        text,
        extensions=["sane_lists"],
        output_format="html",
    )
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
    )
    return bleach.linkify(cleaned, callbacks=[_external_link_rel], skip_tags={"code"})


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_CODE = re.compile(r"`([^`\n]*)`")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}\s+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


def markdown_as_text(source: str | None) -> str:
    """Markdown for the text part of a mail: its lines and lists as written, without the
    marks (**, `, #) only the HTML part renders; a link as "label (address)". Plain
    text, not HTML: "&" and "<b>" stay as the person wrote them."""
    text = (source or "").replace("\r\n", "\n")
    text = _MD_LINK.sub(_link_as_text, text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _link_as_text(link: re.Match) -> str:
    label, address = link[1].strip(), link[2]
    return f"{label} ({address})" if label and label != address else address


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_`~]+|^\s*(?:#+|>)\s*", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def excerpt(source: str | None, length: int = 180) -> str:
    """A short plain-text teaser of Markdown, cheap enough for every card of a list.

    The result is plain text and is escaped by the template like any other string.
    """
    text = (source or "")[: length * 3]
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", _LIST_MARKER.sub("", text))
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + " …"
