"""An issue's files are served as downloads or safe images, and a draft's are for staff only."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from newsletter import services
from newsletter.models import IssueImage
from tests.factories import StaffFactory
from tests.files import PDF, PNG
from tests.newsletter.factories import ArticleFactory, IssueFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def _briefing(*, published: bool):
    return ResourceFactory(
        article=ArticleFactory(issue=IssueFactory(published=published)),
        url="",
        file=SimpleUploadedFile("unseen-males.pdf", PDF),
    )


def test_a_published_resource_downloads_as_an_attachment_that_is_never_sniffed(client):
    resource = _briefing(published=True)
    response = client.get(resource.href)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_image_shows_inline_with_its_own_type(client):
    article = ArticleFactory(
        issue=IssueFactory(published=True),
        image=SimpleUploadedFile("week.png", PNG),
        image_alt="Practitioners at a Safeguarding Week session",
    )
    response = client.get(article.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_draft_issues_files_are_not_found_by_the_public(client):
    resource = _briefing(published=False)
    cover = IssueFactory(
        cover_image=SimpleUploadedFile("cover.png", PNG), cover_image_alt="The cover"
    )
    assert client.get(resource.href).status_code == 404
    assert client.get(cover.cover_image.url).status_code == 404


def test_staff_who_may_view_issues_fetch_a_drafts_files_and_other_staff_do_not(client):
    resource = _briefing(published=False)
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    assert client.get(resource.href).status_code == 404

    staff.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(type(staff).objects.get(pk=staff.pk))
    assert client.get(resource.href).status_code == 200


def test_publishing_makes_the_files_public_and_unpublishing_hides_them_again(client):
    resource = _briefing(published=False)
    issue = resource.article.issue
    staff = StaffFactory()
    services.issue_publish(issue=issue, by=staff)
    assert client.get(resource.href).status_code == 200
    services.issue_unpublish(issue=issue, by=staff)
    assert client.get(resource.href).status_code == 404


def test_a_file_no_issue_uses_is_not_found(client, settings):
    stray = settings.MEDIA_ROOT / "newsletter" / "resources" / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(PDF)
    assert client.get("/media/newsletter/resources/stray.pdf").status_code == 404
    assert client.get("/media/newsletter/../../etc/passwd").status_code == 404


def test_an_image_in_the_text_shows_inline_once_its_issue_is_published_and_not_before(client):
    issue = IssueFactory()
    image = IssueImage.objects.create(
        issue=issue, image=SimpleUploadedFile("room.png", PNG), alt="A training room"
    )
    ArticleFactory(issue=issue, body=f"<p>Our room:</p>{image.html()}")
    assert client.get(image.image.url).status_code == 404
    issue.status, issue.published_at = issue.Status.PUBLISHED, timezone.now()
    issue.save()
    response = client.get(image.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
