"""What every upload shares: the checks (the kind of file by its name, its size, and bytes
that match the name) and how a stored one is served.

Each app keeps its own allowed kinds, limits and plain-English messages, and
turns the problem found here into its own ``ValidationError``; each app decides
who may fetch its own files and serves them with ``upload_response``.
"""

import enum
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image
from pypdf import PdfReader

MB = 1024 * 1024


def _pdf_parses(handle) -> bool:
    # A file that starts "%PDF-" and goes on as HTML has no pages to read.
    try:
        return len(PdfReader(handle).pages) > 0
    except Exception:  # pypdf raises many kinds of error on a broken file
        return False


# Larger than any camera's photo; a few kilobytes of PNG can claim billions of pixels.
MAX_IMAGE_PIXELS = 60_000_000


def _image_decodes(handle) -> bool:
    try:
        with Image.open(handle) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return False  # checked from the header, before decoding a bomb
            image.load()  # decodes every pixel; a truncated or disguised file fails here
    except Exception:  # Pillow raises many kinds of error on a broken file, bombs included
        return False
    return True


@dataclass(frozen=True)
class FileKind:
    """How a genuine file of one extension starts, a member it holds if it is a zip
    archive, and a check that reads the whole file with the library that knows the format."""

    signatures: tuple[bytes, ...]
    member: str | None = None
    parses: Callable[[object], bool] | None = None


_PDF = FileKind((b"%PDF-",), parses=_pdf_parses)
_OLE = FileKind((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",))  # .doc, .xls, .ppt (Office 97–2003)
# Office Open XML and OpenDocument are zip archives; a genuine one holds this member.
_OOXML = FileKind((b"PK\x03\x04",), member="[Content_Types].xml")
_ODF = FileKind((b"PK\x03\x04",), member="mimetype")

# The documents the partnership publishes: PDF and Office files.
DOCUMENTS = {
    ".pdf": _PDF,
    ".doc": _OLE,
    ".xls": _OLE,
    ".ppt": _OLE,
    ".docx": _OOXML,
    ".xlsx": _OOXML,
    ".pptx": _OOXML,
    ".odt": _ODF,
    ".ods": _ODF,
    ".odp": _ODF,
}
# Images every browser and mail client shows.
IMAGES = {
    ".jpg": FileKind((b"\xff\xd8\xff",), parses=_image_decodes),
    ".jpeg": FileKind((b"\xff\xd8\xff",), parses=_image_decodes),
    ".png": FileKind((b"\x89PNG\r\n\x1a\n",), parses=_image_decodes),
    ".gif": FileKind((b"GIF87a", b"GIF89a"), parses=_image_decodes),
}
# What a stored upload is served as, named by us rather than guessed from the host's tables.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
}
# By name, so a model field's validator can refer to a set in its migration.
FILE_KINDS = {"documents": DOCUMENTS, "images": IMAGES}


class UploadProblem(enum.StrEnum):
    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"
    CONTENT_MISMATCH = "content_mismatch"


def extension(upload) -> str:
    """The file's extension in lower case, with its dot: ".pdf"."""
    return PurePath(upload.name).suffix.lower()


def megabytes(size: int) -> str:
    """A size in bytes as people read it in a message: "12.0"."""
    return f"{size / MB:.1f}"


def upload_problem(
    upload, *, kinds: Mapping[str, FileKind], max_bytes: int
) -> UploadProblem | None:
    """The first thing wrong with an upload, the kind of file before its size, or None."""
    # A file already stored passed these checks when it was uploaded; reopening
    # it on every later save would only cost a read (or fail if it has gone).
    if getattr(upload, "_committed", False):
        return None
    kind = kinds.get(extension(upload))
    if kind is None:
        return UploadProblem.WRONG_TYPE
    if upload.size > max_bytes:
        return UploadProblem.TOO_LARGE
    if not _content_matches(upload, kind):
        return UploadProblem.CONTENT_MISMATCH
    return None


def _content_matches(upload, kind: FileKind) -> bool:
    # Renaming a file does not change what it is: look at the bytes.
    handle = getattr(upload, "file", upload)
    position = handle.tell()
    try:
        handle.seek(0)
        head = handle.read(max(len(signature) for signature in kind.signatures))
        if not any(head.startswith(signature) for signature in kind.signatures):
            return False
        if kind.parses is not None:
            handle.seek(0)
            if not kind.parses(handle):
                return False
        if kind.member is None:
            return True
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                return kind.member in archive.namelist()
        except zipfile.BadZipFile:
            return False
    finally:
        handle.seek(position)


class FileOrAddress:
    """A model with an uploaded ``file`` or a web address ``url``: where a link to it goes.

    Mixed into models (newsletter resources, priority documents) that hold one or the other.
    """

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


def upload_response(name: str) -> FileResponse:
    """A stored upload as a response no browser runs: an image inline, anything else a download.

    The type is named from the extension the upload checks allowed, never sniffed,
    and the file's own policy forbids scripts, so even a file that slipped past the
    checks cannot run as a page of the portal.
    """
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such file") from None
    kind = PurePath(name).suffix.lower()
    response = FileResponse(
        handle,
        as_attachment=kind not in IMAGES,
        filename=PurePath(name).name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
