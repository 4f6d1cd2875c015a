from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from priorities.models import Action, Document, Phase, PhaseStatus
from priorities.validators import phase_order_errors, validate_document_file
from tests.priorities import uploads
from tests.priorities.factories import (
    ActionFactory,
    DocumentFactory,
    LearningCycleFactory,
    LearningPointFactory,
    PhaseFactory,
    PriorityFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict[field]]


def test_next_step_due_before_it_starts_is_refused_on_the_due_date():
    action = ActionFactory.build(
        priority=PriorityFactory(),
        theme=ThemeFactory(),
        start_date=date(2024, 3, 1),
        due_date=date(2024, 2, 1),
    )
    with pytest.raises(ValidationError) as caught:
        action.full_clean()
    assert codes(caught.value, "due_date") == ["action_due_before_start"]
    assert "__all__" not in caught.value.error_dict  # the constraint does not say it twice


def test_database_refuses_a_next_step_due_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(start_date=date(2024, 3, 1), due_date=date(2024, 2, 1))


@pytest.mark.parametrize("owner", ["", "   "])
def test_next_step_without_an_owner_is_refused(owner):
    action = ActionFactory.build(priority=PriorityFactory(), theme=ThemeFactory(), owner=owner)
    with pytest.raises(ValidationError) as caught:
        action.full_clean()
    assert "Enter who owns this next step" in str(caught.value)


@pytest.mark.parametrize("owner", ["", "   "])
def test_database_refuses_a_next_step_without_an_owner(owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(owner=owner)


def test_cycle_ending_before_it_starts_is_refused():
    cycle = LearningCycleFactory.build(
        priority=PriorityFactory(), start_date=date(2023, 4, 1), end_date=date(2023, 3, 1)
    )
    with pytest.raises(ValidationError) as caught:
        cycle.full_clean()
    assert codes(caught.value, "end_date") == ["cycle_ends_before_start"]


def test_phase_must_sit_inside_its_cycles_dates():
    cycle = LearningCycleFactory(start_date=date(2023, 4, 1), end_date=date(2023, 12, 31))
    phase = PhaseFactory.build(cycle=cycle, start_date=date(2023, 3, 1), end_date=date(2024, 1, 31))
    with pytest.raises(ValidationError) as caught:
        phase.full_clean()
    assert codes(caught.value, "start_date") == ["phase_starts_before_cycle"]
    assert codes(caught.value, "end_date") == ["phase_ends_after_cycle"]


def test_database_refuses_two_phases_with_one_number_in_a_cycle():
    phase = PhaseFactory(number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PhaseFactory(cycle=phase.cycle, number=2)


def test_phases_starting_out_of_number_order_are_reported_on_the_later_phase():
    phases = [
        Phase(number=2, title="b", start_date=date(2023, 5, 1)),
        Phase(number=1, title="a", start_date=date(2023, 6, 1)),
        Phase(number=3, title="c", start_date=date(2023, 7, 1)),
    ]
    errors = phase_order_errors(phases)
    assert list(errors) == [0]
    assert errors[0].code == "phase_dates_out_of_order"
    assert errors[0].messages == [
        "Phase 2 cannot start before phase 1: put the phases in the order they happen."
    ]


def test_a_phase_cannot_start_before_an_undated_earlier_one_has_started():
    phases = [
        Phase(number=1, title="a", status=PhaseStatus.NOT_STARTED),
        Phase(number=2, title="b", status=PhaseStatus.COMPLETE),
    ]
    errors = phase_order_errors(phases)
    assert errors[1].code == "phase_status_out_of_order"


def test_phases_in_order_have_no_errors():
    phases = [
        Phase(number=1, title="a", start_date=date(2023, 5, 1), status=PhaseStatus.COMPLETE),
        Phase(number=2, title="b", status=PhaseStatus.IN_PROGRESS),
        Phase(number=3, title="c", start_date=date(2023, 5, 1)),
    ]
    assert phase_order_errors(phases) == {}


def test_learning_point_cannot_name_another_prioritys_phase():
    point = LearningPointFactory.build(priority=PriorityFactory(), phase=PhaseFactory())
    with pytest.raises(ValidationError) as caught:
        point.full_clean()
    assert codes(caught.value, "phase") == ["learning_phase_other_priority"]


def test_document_needs_a_file_or_a_web_address_but_not_both():
    priority = PriorityFactory()
    neither = DocumentFactory.build(priority=priority, url="")
    with pytest.raises(ValidationError) as caught:
        neither.full_clean()
    assert codes(caught.value, "file") == ["document_source_missing"]

    both = DocumentFactory.build(priority=priority, file=uploads.pdf())
    with pytest.raises(ValidationError) as caught:
        both.full_clean()
    assert codes(caught.value, "url") == ["document_source_both"]


def test_database_refuses_a_document_with_neither_file_nor_address():
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(url="")


@pytest.mark.parametrize("upload", [uploads.pdf(), uploads.docx(), uploads.pdf("REPORT.PDF")])
def test_pdf_and_office_uploads_are_accepted(upload):
    validate_document_file(upload)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "file_type"),
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff"), "file_type"),
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "file_content"),
        (SimpleUploadedFile("fake.docx", b"PK\x03\x04 broken zip"), "file_content"),
        (SimpleUploadedFile("old.doc", b"%PDF-1.4"), "file_content"),
        (uploads.of_size(10 * 1024 * 1024 + 1), "file_too_large"),
    ],
)
def test_other_or_oversized_uploads_are_refused_with_a_reason(upload, code):
    with pytest.raises(ValidationError) as caught:
        validate_document_file(upload)
    assert caught.value.code == code


def test_oversized_upload_message_gives_the_limit_and_the_size():
    with pytest.raises(ValidationError) as caught:
        validate_document_file(uploads.of_size(12 * 1024 * 1024))
    assert caught.value.messages == ["The file must be smaller than 10 MB; this one is 12.0 MB."]


def test_stored_document_keeps_its_file_type_for_the_link(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = DocumentFactory(url="", file=uploads.pdf())
    document.refresh_from_db()
    assert document.file_type == "PDF"
    assert document.href.startswith("/media/priorities/documents/")
    document.full_clean()  # a stored file is not checked again


def test_overdue_means_open_and_past_its_due_date():
    assert ActionFactory(due_date=date(2020, 1, 1), start_date=None).is_overdue
    assert not ActionFactory(due_date=date(2020, 1, 1), start_date=None, status="done").is_overdue
    assert not ActionFactory().is_overdue
    overdue = Action.objects.with_overdue().filter(overdue=True)
    assert overdue.count() == 1


def test_an_overdue_step_reads_overdue_whatever_status_staff_set():
    late = ActionFactory(due_date=date(2020, 1, 1), start_date=None, status="on_track")
    assert late.state == "Overdue"
    assert ActionFactory(due_date=date(2020, 1, 1), start_date=None, status="done").state == "Done"
    assert ActionFactory(status="at_risk").state == "At risk"


def test_str_and_public_url():
    priority = PriorityFactory(number=1, title="Domestic Abuse", slug="domestic-abuse")
    assert str(priority) == "Priority 1: Domestic Abuse"
    assert priority.get_absolute_url() == "/priorities/domestic-abuse/"
    assert str(PhaseFactory(number=6, title="Putting the plan into practice")) == (
        "Phase 6: Putting the plan into practice"
    )
    assert Document._meta.verbose_name_plural == "reports and documents"
