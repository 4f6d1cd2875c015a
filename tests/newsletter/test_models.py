import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from newsletter.models import Resource
from newsletter.validators import MB, validate_document, validate_image
from tests.files import PDF, PNG
from tests.newsletter.factories import ArticleFactory, IssueFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_an_article_slug_is_unique_within_its_issue():
    article = ArticleFactory(slug="unseen-males")
    ArticleFactory(slug="unseen-males")  # another issue may reuse it
    with pytest.raises(IntegrityError):
        ArticleFactory(issue=article.issue, slug="unseen-males")


def test_the_database_refuses_an_image_without_alt_text():
    with pytest.raises(IntegrityError):
        ArticleFactory(image="newsletter/articles/photo.png", image_alt="")


def test_full_clean_asks_for_alt_text_next_to_the_field():
    article = ArticleFactory.build(image=SimpleUploadedFile("photo.png", PNG), image_alt=" ")
    with pytest.raises(ValidationError) as caught:
        article.full_clean(exclude=["issue", "section"])
    assert "alternative text" in caught.value.message_dict["image_alt"][0]


def test_a_published_issue_needs_a_published_time():
    with pytest.raises(IntegrityError):
        IssueFactory(status="published", published_at=None)


def test_a_resource_is_a_file_or_a_link_not_both():
    with pytest.raises(IntegrityError):
        ResourceFactory(file="newsletter/resources/briefing.pdf")


def test_a_resource_without_file_or_link_is_a_link_to_follow():
    resource = ResourceFactory(url="")
    assert resource.href == ""
    assert resource.link_to_follow


def test_a_resource_link_is_its_href():
    resource = ResourceFactory(
        url="https://durham-scp.org.uk/download/unseen-males-learning-from-audits/"
    )
    assert resource.href == resource.url
    assert resource.get_kind_display() == Resource.Kind.LEARNING_BRIEFING.label


def test_an_image_upload_passes_when_it_is_a_real_png():
    validate_image(SimpleUploadedFile("photo.png", PNG))


def test_a_renamed_file_is_refused_as_an_image():
    with pytest.raises(ValidationError) as caught:
        validate_image(SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image"))
    assert caught.value.code == "upload_content_mismatch"


def test_a_wrong_kind_of_file_is_refused_with_the_allowed_kinds():
    with pytest.raises(ValidationError) as caught:
        validate_image(SimpleUploadedFile("virus.exe", b"MZ"))
    assert "GIF, JPEG, JPG, PNG" in caught.value.messages[0]


def test_an_oversized_document_is_refused_with_its_size():
    with pytest.raises(ValidationError) as caught:
        validate_document(SimpleUploadedFile("briefing.pdf", PDF + b"\x00" * (10 * MB)))
    assert caught.value.messages[0] == "The file must be smaller than 10 MB. This one is 10.0 MB."


def test_any_zip_renamed_as_a_word_document_is_refused_but_a_real_one_passes():
    def zipped(member: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(member, "x")
        return buffer.getvalue()

    with pytest.raises(ValidationError) as caught:
        validate_document(SimpleUploadedFile("briefing.docx", zipped("payload.exe")))
    assert caught.value.code == "upload_content_mismatch"
    validate_document(SimpleUploadedFile("briefing.docx", zipped("[Content_Types].xml")))


def test_related_links_leave_out_pages_that_do_not_exist():
    article = ArticleFactory()
    assert article.related_links() == []


def test_an_issue_cannot_take_the_feeds_address():
    issue = IssueFactory.build(slug="feed")
    with pytest.raises(ValidationError) as caught:
        issue.full_clean()
    assert "newsletter's own web addresses" in caught.value.message_dict["slug"][0]


@pytest.mark.parametrize("slug", ["contents", "welcome", "section-events"])
def test_an_article_slug_cannot_clash_with_the_issue_pages_anchors(slug):
    article = ArticleFactory.build(slug=slug)
    with pytest.raises(ValidationError) as caught:
        article.full_clean(exclude=["issue", "section"])
    assert "already used on every issue page" in caught.value.message_dict["slug"][0]
