"""Every plain-English message the priorities app shows staff, in one place.

Validation raises ``PriorityError(code, ...).validation_error()`` so tests and
forms can tell the rules apart by code while people read the sentence.
"""

from dscp.errors import DomainError

MESSAGES = {
    "cycle_ends_before_start": "The end date must be the same as or after the start date.",
    "phase_ends_before_start": "The phase must end on or after the day it starts.",
    "phase_starts_before_cycle": "The phase cannot start before its learning cycle starts.",
    "phase_ends_after_cycle": "The phase cannot end after its learning cycle ends.",
    "phase_number_repeated": "Each phase needs its own number; phase {number} is used twice.",
    "phase_dates_out_of_order": (
        "Phase {number} cannot start before phase {previous}: "
        "put the phases in the order they happen."
    ),
    "phase_status_out_of_order": (
        "Phase {number} cannot have started while phase {previous} has not: "
        "mark the earlier phase as in progress or complete first."
    ),
    "learning_phase_other_priority": "Choose a phase from one of this priority's learning cycles.",
    "action_owner_missing": (
        "Enter who owns this next step, for example DSCP Business Unit or a partner agency."
    ),
    "action_due_before_start": "The due date must be the same as or after the start date.",
    "document_source_missing": "Upload a file or enter a web address for this document.",
    "document_source_both": "Upload a file or enter a web address, not both.",
    "file_too_large": "The file must be smaller than {limit} MB; this one is {size} MB.",
    "file_type": (
        "The file must be a PDF or an Office document "
        "(.pdf, .doc, .docx, .xls, .xlsx, .ppt, .pptx, .odt, .ods or .odp)."
    ),
    "busy": "These next steps are being changed by someone else right now. "
    "Wait a moment and try again.",
    "file_content": (
        "The file's contents do not match its name: it does not look like a real "
        "{extension} file. Save it again from the program that made it and upload that copy."
    ),
}


class PriorityError(DomainError):
    """A rule of the priorities said no; ``message`` says which in plain English."""

    messages = MESSAGES
