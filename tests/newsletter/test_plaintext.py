"""Every structure the editor can make, as the plain-text part of an email reads it.

The HTML here is what django-prose-editor (Tiptap) saves: each list item's and
table cell's text sits in its own paragraph.
"""

import pytest

from newsletter.plaintext import html_to_text
from newsletter.sanitise import sanitise_html


def text(html: str) -> str:
    return html_to_text(sanitise_html(html))


def test_paragraphs_are_separated_by_one_blank_line():
    assert text("<p>One</p><p>Two   and\nthree</p>") == "One\n\nTwo and three"


def test_a_bullet_list_has_one_line_per_item_with_its_marker():
    html = "<p>Bring:</p><ul><li><p>ID</p></li><li><p>A pen</p></li></ul><p>After</p>"
    assert text(html) == "Bring:\n\n- ID\n- A pen\n\nAfter"


def test_a_numbered_list_counts_from_its_start():
    assert text('<ol start="3"><li><p>Three</p></li><li><p>Four</p></li></ol>') == (
        "3. Three\n4. Four"
    )


def test_a_nested_list_is_indented_under_its_item():
    html = (
        "<ul><li><p>Domestic abuse</p><ul><li><p>CAPVA</p></li><li><p>Harm at home</p>"
        "<ol><li><p>Deeper</p></li></ol></li></ul></li><li><p>Next</p></li></ul>"
    )
    assert text(html) == ("- Domestic abuse\n  - CAPVA\n  - Harm at home\n    1. Deeper\n- Next")


def test_an_item_with_two_paragraphs_keeps_the_second_under_its_text():
    html = "<ol><li><p>First line</p><p>More about it</p></li></ol>"
    assert text(html) == "1. First line\n   More about it"


def test_headings_stand_on_their_own_underlined():
    assert text("<h2>Who can attend</h2><p>Everyone.</p><h3>Dates</h3>") == (
        "Who can attend\n~~~~~~~~~~~~~~\n\nEveryone.\n\nDates\n~~~~~"
    )


def test_a_quote_has_a_marker_on_every_line():
    html = "<blockquote><p>Clarify</p><p>Reflect<br>Verify</p></blockquote>"
    assert text(html) == "> Clarify\n>\n> Reflect\n> Verify"


def test_a_table_with_a_header_row_reads_as_labelled_values():
    html = (
        "<table><tbody><tr><th><p>Course</p></th><th><p>Date</p></th></tr>"
        "<tr><td><p>Eyes on the Baby</p></td><td><p>6 February 2024</p></td></tr>"
        "<tr><td><p>Safer Recruitment</p></td><td><p></p></td></tr></tbody></table>"
    )
    assert text(html) == (
        "Course: Eyes on the Baby\nDate: 6 February 2024\n\nCourse: Safer Recruitment"
    )


def test_a_table_without_a_header_row_reads_row_by_row():
    html = "<table><tr><td><p>a</p></td><td><p>b</p></td></tr><tr><td>c</td><td>d</td></tr></table>"
    assert text(html) == "a | b\nc | d"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<p>See <a href="https://gov.uk/x">the guidance</a>.</p>',
            "See the guidance (https://gov.uk/x).",
        ),
        ('<p><a href="https://gov.uk/x">https://gov.uk/x</a></p>', "https://gov.uk/x"),
        (
            '<p><a href="/training/">training</a></p>',
            "training (http://testserver.example/training/)",
        ),
        ('<p>Email <a href="mailto:a@b.org">us</a></p>', "Email us (a@b.org)"),
    ],
)
def test_links_keep_their_address(settings, html, expected):
    settings.SITE_URL = "http://testserver.example"
    assert text(html) == expected


def test_emphasis_and_entities_read_as_plain_words():
    assert text("<p><strong>Bold</strong> &amp; <em>it</em>&nbsp;here</p>") == "Bold & it here"


def test_a_rule_and_an_image_are_spelled_out():
    assert html_to_text('<p>a</p><hr><p><img src="/m/x.png" alt="A poster"></p>') == (
        "a\n\n--------------------\n\n[Image: A poster]"
    )


def test_empty_input_is_empty():
    assert text("") == ""
    assert text("<p></p><ul><li><p></p></li></ul>") == ""
