import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from newsletter.models import Issue
from tests.factories import StaffFactory
from tests.files import PNG
from tests.newsletter.factories import (
    ArticleFactory,
    GuidanceLinkFactory,
    IssueFactory,
    ResourceFactory,
    SectionFactory,
)
from tests.priorities.factories import PriorityFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_archive_lists_published_issues_newest_first_grouped_by_year(client):
    IssueFactory(title="November 2023", published=True, issue_date=datetime.date(2023, 11, 1))
    IssueFactory(title="January 2024", published=True, issue_date=datetime.date(2024, 1, 1))
    IssueFactory(title="February 2024 draft", issue_date=datetime.date(2024, 2, 1))
    html = client.get(reverse("newsletter:issue_list")).content.decode()
    assert html.index(">2024</h2>") < html.index("January 2024") < html.index(">2023</h2>")
    assert html.index(">2023</h2>") < html.index("November 2023")
    assert "February 2024 draft" not in html


def test_archive_is_paginated(client):
    for month in range(1, 15):
        IssueFactory(
            published=True, issue_date=datetime.date(2022 + month // 13, month % 12 + 1, 1)
        )
    first = client.get(reverse("newsletter:issue_list")).content.decode()
    second = client.get(reverse("newsletter:issue_list") + "?page=2").content.decode()
    assert first.count('class="dscp-card"') == 12
    assert second.count('class="dscp-card"') == 2
    assert 'aria-current="page">2<' in second
    # Nonsense page numbers fall back to a real page rather than an error.
    assert client.get(reverse("newsletter:issue_list") + "?page=x").status_code == 200


def test_issue_page_contents_list_links_to_every_article_anchor(client):
    issue = IssueFactory(published=True)
    news, guidance = SectionFactory(title="Latest News"), SectionFactory(title="National Guidance")
    articles = [
        ArticleFactory(
            issue=issue, section=news, title="Safeguarding Week 2023", slug="safeguarding-week-2023"
        ),
        ArticleFactory(issue=issue, section=news, title="Another story", slug="another-story"),
        ArticleFactory(issue=issue, section=guidance, title="Guidance", slug="guidance"),
    ]
    html = client.get(issue.get_absolute_url()).content.decode()
    contents = html[html.index('id="contents"') : html.index("</nav>", html.index('id="contents"'))]
    for article in articles:
        assert f'href="#{article.slug}"' in contents
        assert f'id="{article.slug}"' in html
    assert html.index("Latest News") < html.index("National Guidance")
    assert "dscp-draft-banner" not in html


def test_issue_page_shows_guidance_resources_and_related_priority(client):
    priority = PriorityFactory(title="Domestic Abuse", slug="domestic-abuse")
    article = ArticleFactory(issue=IssueFactory(published=True), priority=priority)
    GuidanceLinkFactory(
        article=article,
        title="Missing children, missing grades",
        publisher="Children's Commissioner",
    )
    ResourceFactory(article=article, title="Unseen Males: Learning from Audits")
    html = client.get(article.issue.get_absolute_url()).content.decode()
    assert "Missing children, missing grades" in html
    assert "Children&#x27;s Commissioner, November 2023" in html
    assert "Unseen Males: Learning from Audits" in html
    assert f'href="{priority.get_absolute_url()}"' in html


def test_a_draft_is_not_found_for_the_public(client):
    article = ArticleFactory()
    assert client.get(article.issue.get_absolute_url()).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def test_staff_see_a_draft_with_a_draft_banner(client):
    article = ArticleFactory()
    client.force_login(StaffFactory())
    html = client.get(article.issue.get_absolute_url()).content.decode()
    assert 'class="dscp-draft-banner"' in html
    assert article.title in html


def test_an_unknown_issue_is_a_404_in_the_sites_look(client):
    response = client.get(reverse("newsletter:issue_detail", args=["no-such-issue"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "govuk-footer" in html


def test_article_permalink_shows_the_article_and_links_back_to_its_place(client):
    article = ArticleFactory(
        issue=IssueFactory(published=True), body="<h3>Clarify</h3><p>Ask who.</p>"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert f">{article.title}</h1>" in html
    # Body headings start under the page's h1, not at h3.
    assert "<h2>Clarify</h2>" in html
    assert f'href="{article.issue.get_absolute_url()}#{article.slug}"' in html
    assert client.get(article.issue.get_absolute_url() + "no-such-article/").status_code == 404


def test_issue_page_query_count_does_not_grow_with_articles(client, django_assert_num_queries):
    def issue_with(n: int) -> Issue:
        issue = IssueFactory(published=True)
        for _ in range(n):
            article = ArticleFactory(
                issue=issue, section=SectionFactory(), priority=PriorityFactory()
            )
            GuidanceLinkFactory(article=article)
            ResourceFactory(article=article)
        return issue

    # The issue, its articles with their section, priority, course and event,
    # their guidance links, their resources: four queries however long the issue.
    for issue in (issue_with(1), issue_with(12)):
        with django_assert_num_queries(4):
            assert client.get(issue.get_absolute_url()).status_code == 200


def test_feed_is_valid_atom_with_the_required_elements(client):
    ArticleFactory(issue=IssueFactory(title="December 2023", published=True), title="Unseen Males")
    IssueFactory(title="Draft issue")
    response = client.get(reverse("newsletter:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert feed.tag == f"{ATOM}feed"
    for required in ["id", "title", "updated"]:
        assert feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").endswith("/newsletter/")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for required in ["id", "title", "updated"]:
        assert entry.find(f"{ATOM}{required}").text
    assert entry.find(f"{ATOM}title").text == "DSCP Newsletter: December 2023"
    issue = Issue.objects.get(title="December 2023")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver" + issue.get_absolute_url()
    assert "Unseen Males" in entry.find(f"{ATOM}summary").text


def test_an_article_image_is_shown_with_its_alt_text_in_page_and_email(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from newsletter.emails import issue_email_render

    article = ArticleFactory(
        issue=IssueFactory(published=True),
        image=SimpleUploadedFile("week.png", PNG),
        image_alt="Practitioners at a Safeguarding Week session",
    )
    html = client.get(article.issue.get_absolute_url()).content.decode()
    assert f'src="{article.image.url}" alt="Practitioners at a Safeguarding Week session"' in html
    email = issue_email_render(issue=article.issue).html
    assert f'src="http://testserver{article.image.url}"' in email
