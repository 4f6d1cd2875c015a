"""The "your organisation" question: one of the partnership's agencies, or Other and its name.

The booking form and the evaluation form both ask it, each with its own labels;
the choices and the rule for Other live here. ``training/static/training/booking.js``
shows the name field when the choice is ``OTHER``.
"""

OTHER = "other"
CHOICE_MISSING = "Select your organisation, or Other"
NAME_MISSING = "Enter the name of your organisation"


def organisation_choices(agencies) -> list[tuple[str, str]]:
    """The select's options: a prompt, the agencies as (value, name) pairs, then Other."""
    return [("", "Select your organisation"), *agencies, (OTHER, "Other")]


def check_other_is_named(form, data: dict) -> None:
    """Other chosen with no name: say so next to the name field."""
    if data.get("agency") == OTHER and not data.get("agency_other", "").strip():
        form.add_error("agency_other", NAME_MISSING)
