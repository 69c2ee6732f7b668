"""The one function that turns what people write into HTML."""

from participation.text import excerpt, markdown_as_text, render_markdown


def test_html_people_type_is_shown_as_text_not_run():
    html = render_markdown('Hallo <script>alert(1)</script> <img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x" in html


def test_light_markdown_and_safe_links():
    html = render_markdown(
        "**fett** und *kursiv*\n\n- eins\n- zwei\n\n"
        "[Kreis](https://example.org) [x](javascript:alert(1))"
    )
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html
    assert "<li>eins</li>" in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">Kreis</a>' in html
    assert "javascript:" not in html


def test_a_hashtag_at_the_start_of_a_line_is_not_a_heading():
    html = render_markdown("#Zukunft ST macht mit\n\n## Überschrift")
    assert "<p>#Zukunft ST macht mit</p>" in html
    assert "<h2>Überschrift</h2>" in html


def test_excerpt_is_plain_short_text():
    text = excerpt(
        "**Radwege** für [Rheine](https://example.org)\n\n- sicher\n- breit " + "x " * 200, 60
    )
    assert text.startswith("Radwege für Rheine sicher breit")
    assert text.endswith("…") and len(text) <= 62


def test_a_list_right_under_a_line_of_text_is_a_list_and_text_under_it_is_not():
    html = render_markdown("Wir brauchen:\r\n- Bänke\r\n- Bäume\r\nund:\n1. Licht\n2. Wege")
    assert html == (
        "<p>Wir brauchen:</p>\n<ul>\n<li>Bänke</li>\n<li>Bäume</li>\n</ul>\n<p>und:</p>\n"
        "<ol>\n<li>Licht</li>\n<li>Wege</li>\n</ol>"
    )


def test_list_lines_inside_code_and_list_items_stay_as_they_are():
    code = render_markdown("Beispiel:\n\n    Text\n    - kein Punkt")
    assert "<code>Text\n- kein Punkt\n</code>" in code and "<li>" not in code
    list_with_continuation = render_markdown("- eins\n  weiter\n- zwei")
    assert list_with_continuation == "<ul>\n<li>eins\n  weiter</li>\n<li>zwei</li>\n</ul>"


def test_a_mails_text_part_keeps_lines_and_lists_but_drops_markdown_marks():
    source = (
        "# Antwort\r\nBitte **konkreter**: Welche *Straße*?\n\n\n\n- Ort\n- Zeitraum\n\n"
        "Siehe [den Plan](https://kreis.example/plan) und `B54`, 2*3*4 & <b>"
    )

    assert markdown_as_text(source) == (
        "Antwort\nBitte konkreter: Welche Straße?\n\n- Ort\n- Zeitraum\n\n"
        "Siehe den Plan (https://kreis.example/plan) und B54, 2*3*4 & <b>"
    )
