import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletter.models import Article, Issue
from newsletter.validators import MB
from tests.factories import StaffFactory
from tests.files import PDF, PNG
from tests.newsletter.factories import (
    ArticleFactory,
    GuidanceLinkFactory,
    IssueFactory,
    ResourceFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def issue_form(section, **overrides):
    """The add-issue form as an editor fills it in: the issue and one article."""
    data = {
        "title": "January 2024",
        "slug": "january-2024",
        "issue_date": "01/01/2024",
        "introduction": "<p>Happy new year.</p>",
        "cover_image_alt": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "0",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "articles-0-section": str(section.pk),
        "articles-0-order": "1",
        "articles-0-title": "Safeguarding Week 2023",
        "articles-0-slug": "safeguarding-week-2023",
        "articles-0-summary": "",
        "articles-0-body": '<p onclick="x()">Thank you.</p><script>alert(1)</script>',
        "articles-0-image_alt": "",
        "articles-0-link_url": "",
        "articles-0-link_text": "",
    }
    return data | overrides


def add_issue(client, data):
    return client.post(reverse("admin:newsletter_issue_add"), data)


def test_staff_add_an_issue_with_an_article_and_unsafe_html_is_cleaned(client, editor):
    response = add_issue(client, issue_form(SectionFactory()))
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(slug="safeguarding-week-2023")
    assert article.body == "<p>Thank you.</p>"
    assert article.issue.status == Issue.Status.DRAFT
    assert article.issue.history.first().history_user == editor


def test_a_missing_title_gets_a_clear_message(client, editor):
    response = add_issue(client, issue_form(SectionFactory(), title=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == ["This field is required."]


def test_a_duplicate_issue_slug_gets_a_clear_message(client, editor):
    IssueFactory(slug="january-2024")
    response = add_issue(client, issue_form(SectionFactory()))
    assert response.context["adminform"].form.errors["slug"] == [
        "Another issue already uses this web address. Choose a different one."
    ]


def _articles(response):
    (articles,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "articles"
    ]
    return articles


def _article_errors(response):
    return _articles(response).errors[0]


def test_a_wrong_type_of_image_gets_a_clear_message(client, editor):
    data = issue_form(SectionFactory()) | {
        "articles-0-image": SimpleUploadedFile("notes.txt", b"hello"),
        "articles-0-image_alt": "Notes",
    }
    errors = _article_errors(add_issue(client, data))
    assert errors["image"] == ["The file must be an image (GIF, JPEG, JPG, PNG). This one is not."]


def test_an_oversized_image_gets_a_clear_message(client, editor):
    data = issue_form(SectionFactory()) | {
        "articles-0-image": SimpleUploadedFile("photo.png", PNG + b"\x00" * (5 * MB)),
        "articles-0-image_alt": "A photo",
    }
    errors = _article_errors(add_issue(client, data))
    assert errors["image"] == ["The file must be smaller than 5 MB. This one is 5.0 MB."]


def test_an_image_without_alt_text_gets_a_clear_message(client, editor):
    data = issue_form(SectionFactory()) | {"articles-0-image": SimpleUploadedFile("photo.png", PNG)}
    errors = _article_errors(add_issue(client, data))
    assert errors["image_alt"] == [
        "Describe the image for people who cannot see it (alternative text)."
    ]
    assert not Issue.objects.exists()


def test_a_duplicate_article_slug_in_the_issue_gets_a_message(client, editor):
    section = SectionFactory()
    data = issue_form(section) | {
        "articles-TOTAL_FORMS": "2",
        "articles-1-section": str(section.pk),
        "articles-1-order": "2",
        "articles-1-title": "Safeguarding Week again",
        "articles-1-slug": "safeguarding-week-2023",
    }
    response = add_issue(client, data)
    assert response.status_code == 200
    assert "slug" in str(_articles(response).non_form_errors())
    assert not Issue.objects.exists()


def test_publish_and_unpublish_from_the_issue_page(client, editor):
    issue = ArticleFactory().issue
    response = client.post(reverse("admin:newsletter_issue_publish", args=[issue.pk]), follow=True)
    assert "is published" in response.content.decode()
    issue.refresh_from_db()
    assert issue.is_published
    client.post(reverse("admin:newsletter_issue_unpublish", args=[issue.pk]))
    issue.refresh_from_db()
    assert not issue.is_published


def test_publishing_an_empty_issue_explains_why_not(client, editor):
    issue = IssueFactory()
    response = client.post(reverse("admin:newsletter_issue_publish", args=[issue.pk]), follow=True)
    assert "Add at least one article before publishing this issue." in response.content.decode()


def test_publish_needs_a_post(client, editor):
    issue = ArticleFactory().issue
    assert client.get(reverse("admin:newsletter_issue_publish", args=[issue.pk])).status_code == 405


def test_publish_action_on_the_list(client, editor):
    ready, empty = ArticleFactory().issue, IssueFactory()
    response = client.post(
        reverse("admin:newsletter_issue_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, empty.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    assert ready.is_published
    assert f"{empty}: Add at least one article" in response.content.decode()


def test_email_preview_of_a_draft_allows_its_inline_styles_but_no_scripts(client, editor):
    article = ArticleFactory(title="Unseen Males")
    response = client.get(reverse("admin:newsletter_issue_preview_email", args=[article.issue.pk]))
    assert response.status_code == 200
    assert "Unseen Males" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    text = client.get(reverse("admin:newsletter_issue_preview_email_text", args=[article.issue.pk]))
    assert text.content.decode().startswith("Subject: DSCP Newsletter:")


def test_issue_list_search_and_filter(client, editor):
    ArticleFactory(title="Unseen Males", issue=IssueFactory(title="December 2023"))
    IssueFactory(title="November 2023", published=True)
    found = client.get(reverse("admin:newsletter_issue_changelist"), {"q": "Unseen"})
    assert list(found.context["cl"].result_list.values_list("title", flat=True)) == [
        "December 2023"
    ]
    published = client.get(
        reverse("admin:newsletter_issue_changelist"), {"status__exact": "published"}
    )
    assert list(published.context["cl"].result_list.values_list("title", flat=True)) == [
        "November 2023"
    ]


def test_history_shows_who_changed_an_article(client, editor):
    article = ArticleFactory()
    response = client.get(reverse("admin:newsletter_article_history", args=[article.pk]))
    assert response.status_code == 200
    data = {
        "issue": article.issue.pk,
        "section": article.section.pk,
        "order": 1,
        "title": "A better title",
        "slug": article.slug,
        "body": "<p>New</p>",
        "guidance_links-TOTAL_FORMS": "0",
        "guidance_links-INITIAL_FORMS": "0",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
    }
    client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    latest = article.history.first()
    assert latest.title == "A better title" and latest.history_user == editor
    assert (
        editor.username
        in client.get(
            reverse("admin:newsletter_article_history", args=[article.pk])
        ).content.decode()
    )


def test_sections_can_be_reordered_from_the_list(client, editor):
    first, second = (
        SectionFactory(title="Latest News", order=10),
        SectionFactory(title="Events", order=20),
    )
    client.post(
        reverse("admin:newsletter_section_changelist"),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": first.pk,
            "form-0-order": "30",
            "form-1-id": second.pk,
            "form-1-order": "20",
            "_save": "Save",
        },
    )
    first.refresh_from_db()
    assert first.order == 30


def test_issue_page_lists_links_still_to_follow_for_staff_to_fill_in(client, editor):
    article = ArticleFactory(title="National Guidance")
    GuidanceLinkFactory(article=article, title="Missing children, missing grades", url="")
    GuidanceLinkFactory(article=article, title="Children, violence and vulnerability 2023")
    ResourceFactory(article=article, title="Seeing the Child", url="")
    page = client.get(reverse("admin:newsletter_issue_change", args=[article.issue.pk]))
    text = page.content.decode()
    assert "2 links in this issue still have no web address" in text
    assert "Missing children, missing grades" in text
    assert "Seeing the Child" in text
    assert "Children, violence and vulnerability 2023" not in text


def test_guidance_links_and_resources_for_any_article_are_edited_from_the_issue(admin_client):
    article = ArticleFactory(title="Unseen Males")
    other = ArticleFactory(issue=article.issue, title="CAPVA")
    existing = GuidanceLinkFactory(article=article, title="Old title")
    elsewhere = ArticleFactory(title="Another issue's article")
    url = reverse("admin:newsletter_issue_guidance", args=[article.issue.pk])
    page = admin_client.get(url).content.decode()
    assert 'aria-label="Title (link 0)"' in page and 'aria-label="File (resource 0)"' in page
    # A row's id goes in a cell (a table row holds only cells), and the saved row keeps it.
    assert f'<td><input type="hidden" name="links-0-id" value="{existing.pk}"' in page
    assert "Another issue&#x27;s article" not in page and "Another issue's article" not in page
    data = {
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "1",
        "links-0-id": existing.pk,
        "links-0-article": article.pk,
        "links-0-title": "Missing children, missing grades",
        "links-0-url": "https://example.org/report",
        "links-0-publisher": "Ofsted",
        "links-0-published_on": "2023-11-01",
        "links-0-order": "0",
        "links-1-article": other.pk,
        "links-1-title": "CAPVA guidance",
        "links-1-url": "",
        "links-1-publisher": "Home Office",
        "links-1-published_on": "2023-10-01",
        "links-1-order": "1",
        "resources-TOTAL_FORMS": "2",
        "resources-INITIAL_FORMS": "0",
        "resources-0-article": other.pk,
        "resources-0-title": "CAPVA learning briefing",
        "resources-0-kind": "learning_briefing",
        "resources-0-file": SimpleUploadedFile("capva.pdf", PDF),
        "resources-0-order": "0",
        "resources-1-article": article.pk,
        "resources-1-title": "Unseen Males report",
        "resources-1-kind": "report",
        "resources-1-url": "https://example.org/unseen-males",
        "resources-1-order": "1",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.title == "Missing children, missing grades"
    assert other.guidance_links.get().title == "CAPVA guidance"
    assert other.resources.get().file.name.endswith(".pdf")
    assert article.resources.get().url == "https://example.org/unseen-males"
    # An article of another issue cannot be chosen.
    data["links-1-article"] = elsewhere.pk
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
