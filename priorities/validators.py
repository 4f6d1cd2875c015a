"""Checks on what staff upload and on the order of a learning cycle's phases."""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError

from priorities.errors import MESSAGES

DOCUMENT_MAX_MB = 10

_PDF = b"%PDF-"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt (Office 97–2003)
_ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument are zip archives
# What the start of each kind of file must be, and the member a genuine archive holds.
DOCUMENT_TYPES = {
    ".pdf": (_PDF, None),
    ".doc": (_OLE, None),
    ".xls": (_OLE, None),
    ".ppt": (_OLE, None),
    ".docx": (_ZIP, "[Content_Types].xml"),
    ".xlsx": (_ZIP, "[Content_Types].xml"),
    ".pptx": (_ZIP, "[Content_Types].xml"),
    ".odt": (_ZIP, "mimetype"),
    ".ods": (_ZIP, "mimetype"),
    ".odp": (_ZIP, "mimetype"),
}


def validate_document_file(value) -> None:
    """A new upload must be a PDF or Office file no larger than DOCUMENT_MAX_MB."""
    # A file already stored passed these checks when it was uploaded.
    if getattr(value, "_committed", False):
        return
    if value.size > DOCUMENT_MAX_MB * 1024 * 1024:
        raise _error("file_too_large", limit=DOCUMENT_MAX_MB, size=f"{value.size / 1048576:.1f}")
    extension = PurePath(value.name).suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise _error("file_type")
    signature, member = DOCUMENT_TYPES[extension]
    if not _content_matches(value, signature, member):
        raise _error("file_content", extension=extension)


def _content_matches(value, signature: bytes, member: str | None) -> bool:
    # Renaming a file does not change what it is: look at the bytes.
    handle = getattr(value, "file", value)
    position = handle.tell()
    try:
        handle.seek(0)
        if handle.read(len(signature)) != signature:
            return False
        if member is None:
            return True
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                return member in archive.namelist()
        except zipfile.BadZipFile:
            return False
    finally:
        handle.seek(position)


def phase_order_errors(phases) -> dict[int, ValidationError]:
    """Errors, keyed by position in ``phases``, for phases whose number, dates or status are out of order.

    ``phases`` are the Phase instances of one cycle (saved or not), in any order.
    """
    from priorities.models import PhaseStatus

    errors: dict[int, ValidationError] = {}
    numbered = sorted((p.number, i) for i, p in enumerate(phases) if p.number is not None)
    previous = None  # the phase before, by number
    latest = None  # the earlier phase with the latest start date
    for number, index in numbered:
        phase = phases[index]
        if previous is not None and number == previous.number:
            errors[index] = _error("phase_number_repeated", number=number)
            continue
        if latest and phase.start_date and phase.start_date < latest.start_date:
            errors[index] = _error(
                "phase_dates_out_of_order", number=number, previous=latest.number
            )
        elif (
            previous is not None
            and phase.status != PhaseStatus.NOT_STARTED
            and previous.status == PhaseStatus.NOT_STARTED
        ):
            errors[index] = _error(
                "phase_status_out_of_order", number=number, previous=previous.number
            )
        previous = phase
        if phase.start_date and (latest is None or phase.start_date >= latest.start_date):
            latest = phase
    return errors


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)
