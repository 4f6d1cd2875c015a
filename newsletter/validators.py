"""Checks on uploaded files: the right kind, a sensible size, and contents that match the name."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from dscp.uploads import MB, FileKind, UploadProblem, megabytes, upload_problem
from newsletter.errors import MESSAGES

# The first bytes of each allowed kind of file: a renamed .exe is not a PDF.
IMAGE_SIGNATURES = {
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".gif": [b"GIF87a", b"GIF89a"],
}
DOCUMENT_SIGNATURES = {
    ".pdf": [b"%PDF-"],
    # Word, Excel and PowerPoint files are zip archives.
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".pptx": [b"PK\x03\x04"],
}


_CODES = {
    UploadProblem.WRONG_TYPE: "upload_wrong_type",
    UploadProblem.TOO_LARGE: "upload_too_large",
    UploadProblem.CONTENT_MISMATCH: "upload_content_mismatch",
}


@deconstructible
class UploadValidator:
    """Refuse files that are too large, of another kind, or whose contents do not match their name."""

    def __init__(self, *, kind: str, signatures: dict[str, list[bytes]], max_mb: int):
        self.kind = kind
        self.signatures = signatures
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        kinds = {suffix: FileKind(tuple(sigs)) for suffix, sigs in self.signatures.items()}
        problem = upload_problem(upload, kinds=kinds, max_bytes=self.max_mb * MB)
        if problem is None:
            return
        allowed = (
            f"{self.kind} ({', '.join(sorted({e.lstrip('.').upper() for e in self.signatures}))})"
        )
        if problem is UploadProblem.TOO_LARGE:
            message = MESSAGES["upload_too_large"].format(
                limit=self.max_mb, size=megabytes(upload.size)
            )
        else:
            message = MESSAGES[_CODES[problem]].format(allowed=allowed)
        raise ValidationError(message, code=_CODES[problem])

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (
            self.kind,
            self.signatures,
            self.max_mb,
        ) == (other.kind, other.signatures, other.max_mb)


validate_image = UploadValidator(kind="an image", signatures=IMAGE_SIGNATURES, max_mb=5)
validate_document = UploadValidator(kind="a document", signatures=DOCUMENT_SIGNATURES, max_mb=10)
