"""Checks on uploaded files: the right kind, a sensible size, and contents that match the name."""

from django.utils.deconstruct import deconstructible

from dscp.uploads import FILE_KINDS, MB, UploadProblem, megabytes, upload_problem
from newsletter.errors import NewsletterError

_CODES = {
    UploadProblem.WRONG_TYPE: "upload_wrong_type",
    UploadProblem.TOO_LARGE: "upload_too_large",
    UploadProblem.CONTENT_MISMATCH: "upload_content_mismatch",
}


@deconstructible
class UploadValidator:
    """Refuse files that are too large, of another kind, or whose contents do not match their name."""

    def __init__(self, *, kind: str, kinds: str, max_mb: int):
        self.kind = kind
        self.kinds = kinds  # a name in dscp.uploads.FILE_KINDS
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        kinds = FILE_KINDS[self.kinds]
        problem = upload_problem(upload, kinds=kinds, max_bytes=self.max_mb * MB)
        if problem is None:
            return
        allowed = f"{self.kind} ({', '.join(sorted({e.lstrip('.').upper() for e in kinds}))})"
        if problem is UploadProblem.TOO_LARGE:
            error = NewsletterError(_CODES[problem], limit=self.max_mb, size=megabytes(upload.size))
        else:
            error = NewsletterError(_CODES[problem], allowed=allowed)
        raise error.validation_error()

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (
            self.kind,
            self.kinds,
            self.max_mb,
        ) == (other.kind, other.kinds, other.max_mb)


validate_image = UploadValidator(kind="an image", kinds="images", max_mb=5)
validate_document = UploadValidator(kind="a document", kinds="documents", max_mb=10)
