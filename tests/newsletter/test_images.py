"""Images in an article's text: uploaded on the issue's page, resized, described, placed, shown."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsletter import services
from newsletter.accessibility import MISSING_IMAGE, issue_accessibility_problems
from newsletter.emails import issue_email_render
from newsletter.errors import NewsletterError
from newsletter.models import IssueImage
from tests.factories import StaffFactory
from tests.newsletter.factories import ArticleFactory, IssueFactory, SectionFactory
from tests.newsletter.test_admin import issue_form

pytestmark = pytest.mark.django_db


def photo(width: int, height: int, *, format: str = "JPEG", name: str = "photo.jpg"):
    """A photo as a phone takes it: EXIF that says where, and "turn me on my side"."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#4a2a6b").save(buffer, format=format, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def editor(client):
    client.force_login(StaffFactory())
    return client


def add_issue_with_image(client, upload, alt: str):
    data = issue_form(SectionFactory()) | {
        "images-TOTAL_FORMS": "1",
        "images-0-image": upload,
        "images-0-alt": alt,
    }
    return client.post(reverse("admin:newsletter_issue_add"), data)


def test_an_image_for_the_text_is_made_upright_smaller_and_without_its_metadata(editor):
    response = add_issue_with_image(editor, photo(1600, 4000), "Practitioners at a session")
    assert response.status_code == 302
    image = IssueImage.objects.get()
    # Turned upright (4000 wide), then made 1,200 pixels wide.
    assert (image.width, image.height) == (1200, 480)
    with Image.open(image.image.open()) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 480)
        assert not stored.getexif()
    # The issue's page offers the HTML that places it, with a size the email can use.
    page = editor.get(reverse("admin:newsletter_issue_change", args=[image.issue.pk])).text
    assert (
        f"&lt;img src=&quot;{image.image.url}&quot; alt=&quot;Practitioners at a session&quot; "
        "width=&quot;552&quot; height=&quot;221&quot;&gt;" in page
    )


def test_a_small_png_keeps_its_size(editor):
    upload = photo(300, 200, format="PNG", name="chart.png")
    assert add_issue_with_image(editor, upload, "A bar chart").status_code == 302
    image = IssueImage.objects.get()
    assert image.image.name.endswith(".png") and (image.width, image.height) == (200, 300)
    assert 'width="200" height="300"' in image.html()


def test_an_image_without_alternative_text_is_refused_and_nothing_is_saved(editor):
    response = add_issue_with_image(editor, photo(40, 40), "")
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not IssueImage.objects.exists()


def test_a_file_that_is_not_really_an_image_is_refused(editor):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"not a jpeg" * 50)
    response = add_issue_with_image(editor, upload, "A photo")
    assert "The file&#x27;s contents do not match its name." in response.text
    assert not IssueImage.objects.exists()


def test_a_placed_image_shows_on_the_page_in_the_email_and_as_words_in_plain_text(client):
    issue = IssueFactory(published=True)
    image = IssueImage.objects.create(
        issue=issue, image=photo(800, 400), alt="A training room", width=400, height=800
    )
    ArticleFactory(issue=issue, body=f"<p>Our room:</p>{image.html()}")

    page = client.get(issue.get_absolute_url()).text
    assert f'<img src="{image.image.url}" alt="A training room" width="400" height="800">' in page
    email = issue_email_render(issue=issue)
    assert f'src="http://testserver{image.image.url}"' in email.html
    assert "max-width: 100%" in email.html
    assert "Our room:\n\n[Image: A training room]" in email.text


def placed_image(*, alt: str = "A training room", title: str = "CAPVA"):
    """An issue with one uploaded image, placed in the text of its one article."""
    issue = IssueFactory()
    image = IssueImage.objects.create(
        issue=issue, image=photo(40, 20), alt=alt, width=20, height=40
    )
    article = ArticleFactory(issue=issue, title=title, body=f"<p>Our room:</p>{image.html()}")
    return issue, image, article


def issue_page_data(issue, *, delete_image=None, **article_changes):
    """The issue's page as saved by staff: every field as shown, with the changes given."""
    data = {
        "title": issue.title,
        "slug": issue.slug,
        "issue_date": issue.issue_date.strftime("%d/%m/%Y"),
        "introduction": issue.introduction,
        "cover_image_alt": "",
        "images-TOTAL_FORMS": str(issue.images.count()),
        "images-INITIAL_FORMS": str(issue.images.count()),
        "articles-TOTAL_FORMS": str(issue.articles.count()),
        "articles-INITIAL_FORMS": str(issue.articles.count()),
    }
    for n, image in enumerate(issue.images.all()):
        data |= {f"images-{n}-id": image.pk, f"images-{n}-issue": issue.pk}
        data[f"images-{n}-alt"] = image.alt
        if image == delete_image:
            data[f"images-{n}-DELETE"] = "on"
    for n, article in enumerate(issue.articles.all()):
        fields = ["section", "order", "title", "slug", "summary", "body", "image_alt"]
        data |= {
            f"articles-{n}-{field}": article_changes.get(field, getattr(article, field))
            for field in fields
        }
        data |= {
            f"articles-{n}-id": article.pk,
            f"articles-{n}-issue": issue.pk,
            f"articles-{n}-section": article.section_id,
            f"articles-{n}-link_url": "",
            f"articles-{n}-link_text": "",
        }
    return data


def save_issue_page(client, issue, **changes):
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    return client.post(url, issue_page_data(issue, **changes))


def test_an_image_still_placed_in_an_article_cannot_be_deleted_and_the_message_names_it(editor):
    issue, image, _ = placed_image()
    response = save_issue_page(editor, issue, delete_image=image)
    assert response.status_code == 200
    assert (
        "The image “A training room” cannot be deleted: it is still placed in the article "
        "“CAPVA”. Remove it from there first, then delete it."
    ) in response.text.replace("&#x27;", "'")
    assert IssueImage.objects.filter(pk=image.pk).exists()


def test_an_image_taken_out_of_the_text_can_be_deleted_in_the_same_save(editor):
    issue, image, article = placed_image()
    response = save_issue_page(editor, issue, delete_image=image, body="<p>Our room.</p>")
    assert response.status_code == 302
    assert not IssueImage.objects.filter(pk=image.pk).exists()
    article.refresh_from_db()
    assert article.body == "<p>Our room.</p>"


def test_an_image_placed_nowhere_is_deleted(editor):
    issue, image, _ = placed_image()
    unused = IssueImage.objects.create(issue=issue, image=photo(40, 20), alt="Spare", width=20)
    assert save_issue_page(editor, issue, delete_image=unused).status_code == 302
    assert list(issue.images.all()) == [image]


def test_the_service_refuses_an_image_placed_in_the_welcome(db):
    issue, image, _ = placed_image()
    issue.introduction = f"<p>Hello</p>{image.html()}"
    issue.save()
    with pytest.raises(NewsletterError) as refused:
        services.issue_image_delete(image=image)
    assert "still placed in Welcome and the article “CAPVA”" in refused.value.message
    assert IssueImage.objects.filter(pk=image.pk).exists()


def test_a_broken_or_borrowed_image_in_the_text_blocks_publishing(editor):
    issue, image, article = placed_image()
    assert issue_accessibility_problems(issue=issue, articles=issue.articles.all()) == []
    # Its file gone from storage: the row is still there, the image would not show.
    image.image.storage.delete(image.image.name)
    # And an image of another issue, placed here too.
    other = IssueImage.objects.create(
        issue=IssueFactory(),
        image=photo(40, 20, name="hall.jpg"),
        alt="A hall",
        width=20,
        height=40,
    )
    article.body += other.html()
    article.save()
    problems = issue_accessibility_problems(issue=issue, articles=issue.articles.all())
    assert [(p.where, p.message) for p in problems] == [("CAPVA", MISSING_IMAGE)] * 2

    response = editor.post(reverse("admin:newsletter_issue_publish", args=[issue.pk]), follow=True)
    assert "Not published: fix the 2 accessibility problems listed under" in response.text
    assert "readers would see a broken image" in response.text
    issue.refresh_from_db()
    assert not issue.is_published
