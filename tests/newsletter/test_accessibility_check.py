"""The accessibility check on the issue page: what it finds in content staff write."""

import pytest
from django.urls import reverse

from newsletter.accessibility import html_problems
from newsletter.selectors import issue_length
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory


def test_a_link_without_text_or_saying_click_here_is_flagged():
    problems = html_problems(
        '<p><a href="https://a.example/"></a> and <a href="https://b.example/">Click here</a>.</p>'
    )
    assert problems == [
        "A link has no text: say where it goes.",
        "A link says “Click here”: say where it goes instead, e.g. “the CAPVA briefing”.",
    ]


def test_a_heading_that_skips_a_level_is_flagged_and_one_that_steps_back_up_is_not():
    assert html_problems("<h2>A</h2><h3>B</h3><h2>C</h2><h3>D</h3>") == []
    assert html_problems("<h2>Who</h2><h4>Dates</h4>") == [
        "The heading “Dates” skips a level (from heading 2 to heading 4): use the next level down."
    ]


def test_an_image_without_alternative_text_or_with_a_file_name_is_flagged():
    assert html_problems(
        '<p><img src="/a.png"></p><p><img src="/b.png" alt="IMG_2041.jpg"></p>'
    ) == [
        "An image has no alternative text: describe what it shows.",
        "An image's alternative text is “IMG_2041.jpg”: describe what it shows.",
    ]
    assert html_problems('<p><img src="/a.png" alt="Practitioners at a session"></p>') == []


@pytest.mark.django_db
def test_the_issue_page_lists_the_problems_by_article_with_links_to_fix_them(client):
    client.force_login(StaffFactory())
    article = ArticleFactory(title="CAPVA", body='<p><a href="https://x.example/">here</a></p>')
    html = client.get(
        reverse("admin:newsletter_issue_change", args=[article.issue.pk])
    ).content.decode()
    assert "1 thing to fix before this issue can be published" in html
    assert reverse("admin:newsletter_article_change", args=[article.pk]) in html
    # Publishing is refused until it is fixed, with a message saying where to look.
    response = client.post(
        reverse("admin:newsletter_issue_publish", args=[article.issue.pk]), follow=True
    )
    assert "Not published: fix the 1 accessibility problem listed under" in response.text
    article.issue.refresh_from_db()
    assert not article.issue.is_published
    article.body = '<p><a href="https://x.example/">the CAPVA briefing</a></p>'
    article.save()
    html = client.get(
        reverse("admin:newsletter_issue_change", args=[article.issue.pk])
    ).content.decode()
    assert "No problems found in the images, links and headings." in html


@pytest.mark.django_db
def test_length_counts_the_words_readers_get_and_the_reading_time():
    issue = IssueFactory(introduction="<p>" + "word " * 150 + "</p>")
    ArticleFactory(
        issue=issue,
        title="Two words",
        summary="",
        body="<ul><li><p>" + "w " * 248 + "</p></li></ul>",
    )
    length = issue_length(issue=issue)
    assert length.words == 400
    assert length.text == "400 words, about 2 minutes to read"


@pytest.mark.django_db
def test_length_keeps_paragraphs_apart_leaves_addresses_out_and_rounds_halves_up():
    issue = IssueFactory(
        introduction='<p>one</p><p>two&nbsp;<a href="https://x.org/a">three</a></p>'
    )
    assert issue_length(issue=issue).words == 3
    ArticleFactory(issue=issue, title="", summary="", body="<p>" + "w " * 497 + "</p>")
    assert issue_length(issue=issue).text == "500 words, about 3 minutes to read"
