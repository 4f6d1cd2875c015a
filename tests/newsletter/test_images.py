"""Images in an article's text: uploaded on the issue's page, resized, described, placed, shown."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsletter.emails import issue_email_render
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
