"""Checks on what staff upload and on the order of a learning cycle's phases."""

from django.core.exceptions import ValidationError

from dscp.uploads import DOCUMENTS, MB, UploadProblem, extension, megabytes, upload_problem
from priorities.errors import PriorityError

DOCUMENT_MAX_MB = 10

DOCUMENT_TYPES = DOCUMENTS


def validate_document_file(value) -> None:
    """A new upload must be a PDF or Office file no larger than DOCUMENT_MAX_MB."""
    problem = upload_problem(value, kinds=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_MB * MB)
    if problem is UploadProblem.WRONG_TYPE:
        raise _error("file_type")
    if problem is UploadProblem.TOO_LARGE:
        raise _error("file_too_large", limit=DOCUMENT_MAX_MB, size=megabytes(value.size))
    if problem is UploadProblem.CONTENT_MISMATCH:
        raise _error("file_content", extension=extension(value))


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
    return PriorityError(code, **params).validation_error()
