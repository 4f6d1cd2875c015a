"""Checks on uploaded files: the right kind, a sensible size, and contents that match the name."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from newsletter.errors import MESSAGES

MB = 1024 * 1024

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


@deconstructible
class UploadValidator:
    """Refuse files that are too large, of another kind, or whose contents do not match their name."""

    def __init__(self, *, kind: str, signatures: dict[str, list[bytes]], max_mb: int):
        self.kind = kind
        self.signatures = signatures
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        allowed = (
            f"{self.kind} ({', '.join(sorted({e.lstrip('.').upper() for e in self.signatures}))})"
        )
        suffix = Path(upload.name).suffix.lower()
        if suffix not in self.signatures:
            raise ValidationError(
                MESSAGES["upload_wrong_type"].format(allowed=allowed), code="upload_wrong_type"
            )
        if upload.size > self.max_mb * MB:
            raise ValidationError(
                MESSAGES["upload_too_large"].format(
                    limit=self.max_mb, size=f"{upload.size / MB:.1f}"
                ),
                code="upload_too_large",
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in self.signatures[suffix]):
            raise ValidationError(
                MESSAGES["upload_content_mismatch"].format(allowed=allowed),
                code="upload_content_mismatch",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (
            self.kind,
            self.signatures,
            self.max_mb,
        ) == (other.kind, other.signatures, other.max_mb)


validate_image = UploadValidator(kind="an image", signatures=IMAGE_SIGNATURES, max_mb=5)
validate_document = UploadValidator(kind="a document", signatures=DOCUMENT_SIGNATURES, max_mb=10)
