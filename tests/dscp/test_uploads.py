import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dscp.uploads import DOCUMENTS, IMAGES, MB, FileKind, UploadProblem, upload_problem
from tests.files import PDF, PNG

KINDS = {
    ".pdf": FileKind((b"%PDF-",)),
    ".gif": FileKind((b"GIF87a", b"GIF89a")),
    ".docx": FileKind((b"PK\x03\x04",), member="[Content_Types].xml"),
}


def problem(name: str, content: bytes, max_bytes: int = MB):
    return upload_problem(SimpleUploadedFile(name, content), kinds=KINDS, max_bytes=max_bytes)


def zipped(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("briefing.pdf", b"%PDF-1.4 ..."),
        ("REPORT.PDF", b"%PDF-1.7 ..."),
        ("old.gif", b"GIF87a..."),
        ("new.gif", b"GIF89a..."),
        ("plan.docx", zipped("[Content_Types].xml", "word/document.xml")),
    ],
)
def test_a_genuine_file_of_an_allowed_kind_passes(name, content):
    assert problem(name, content) is None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("run.exe", b"MZ\x90\x00", UploadProblem.WRONG_TYPE),
        ("no-extension", b"%PDF-1.4", UploadProblem.WRONG_TYPE),
        ("fake.pdf", b"<html>not a pdf</html>", UploadProblem.CONTENT_MISMATCH),
        ("fake.docx", b"PK\x03\x04 broken zip", UploadProblem.CONTENT_MISMATCH),
        ("any.docx", zipped("something-else.txt"), UploadProblem.CONTENT_MISMATCH),
    ],
)
def test_a_file_of_another_kind_or_renamed_is_refused(name, content, expected):
    assert problem(name, content) is expected


def test_size_is_checked_up_to_the_limit_exactly():
    assert problem("a.pdf", b"%PDF-" + b"0" * 5, max_bytes=10) is None
    assert problem("a.pdf", b"%PDF-" + b"0" * 6, max_bytes=10) is UploadProblem.TOO_LARGE


def test_the_kind_of_file_is_reported_before_its_size():
    assert problem("film.mov", b"0" * 20, max_bytes=10) is UploadProblem.WRONG_TYPE


def test_checking_leaves_the_file_where_it_was_for_saving():
    upload = SimpleUploadedFile("briefing.pdf", b"%PDF-1.4 body")
    upload.seek(3)
    assert upload_problem(upload, kinds=KINDS, max_bytes=MB) is None
    assert upload.tell() == 3


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("briefing.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
        ("photo.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
        ("photo.png", PNG[: len(PNG) // 2]),
        ("photo.gif", b"GIF89a<html></html>"),
    ],
)
def test_a_file_that_only_starts_like_a_pdf_or_image_is_refused(name, content):
    upload = SimpleUploadedFile(name, content)
    assert upload_problem(upload, kinds=DOCUMENTS | IMAGES, max_bytes=MB) is (
        UploadProblem.CONTENT_MISMATCH
    )


@pytest.mark.parametrize(("name", "content"), [("briefing.pdf", PDF), ("photo.png", PNG)])
def test_a_genuine_pdf_or_image_passes_the_whole_structure_check(name, content):
    upload = SimpleUploadedFile(name, content)
    assert upload_problem(upload, kinds=DOCUMENTS | IMAGES, max_bytes=MB) is None
