from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from priorities.models import Action, ActionStatus, Document, Phase, PhaseStatus, Theme
from tests.priorities import uploads
from tests.priorities.factories import (
    ActionFactory,
    LearningCycleFactory,
    PhaseFactory,
    PriorityFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

INLINES = ["learning_cycles", "achievements", "learning_points", "actions", "documents"]


def priority_form(priority, **inline_rows) -> dict:
    """The priority's change form as a browser posts it, with new rows for some inlines."""
    data = {
        "number": priority.number,
        "title": priority.title,
        "slug": priority.slug,
        "summary": priority.summary,
        "lead": priority.lead,
        "contact_email": priority.contact_email,
        "order": priority.order,
        "active": "on",
    }
    for prefix in INLINES:
        rows = inline_rows.get(prefix, [])
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    return data


def change_url(priority) -> str:
    return reverse("admin:priorities_priority_change", args=[priority.pk])


def next_step(**overrides) -> dict:
    row = {
        "theme": ThemeFactory(name="Data").pk,
        "description": "Change recording systems",
        "owner": "Partner agencies",
        "start_date": "2024-01-01",
        "due_date": "2024-12-31",
        "status": ActionStatus.ON_TRACK,
    }
    return row | overrides


def errors_of(response) -> list[str]:
    """Every error message the admin page shows, from the form and all its inlines."""
    messages = [m for errors in response.context["adminform"].form.errors.values() for m in errors]
    for inline in response.context["inline_admin_formsets"]:
        for form_errors in inline.formset.errors:
            messages += [m for errors in form_errors.values() for m in errors]
        messages += list(inline.formset.non_form_errors())
    return messages


def test_priority_page_holds_every_part_of_a_priority(admin_client):
    priority = PriorityFactory()
    response = admin_client.get(change_url(priority))
    assert response.status_code == 200
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    assert prefixes == INLINES


def test_staff_add_a_next_step_from_the_priority_page(admin_client):
    priority = PriorityFactory()
    response = admin_client.post(
        change_url(priority), priority_form(priority, actions=[next_step()])
    )
    assert response.status_code == 302, errors_of(response)
    action = priority.actions.get()
    assert (action.owner, action.due_date) == ("Partner agencies", date(2024, 12, 31))


def test_next_step_due_before_it_starts_gets_a_clear_message(admin_client):
    priority = PriorityFactory()
    form = priority_form(
        priority, actions=[next_step(start_date="2024-06-01", due_date="2024-05-01")]
    )
    response = admin_client.post(change_url(priority), form)
    assert response.status_code == 200
    assert errors_of(response) == ["The due date must be the same as or after the start date."]
    assert not priority.actions.exists()


def test_next_step_without_an_owner_gets_a_clear_message(admin_client):
    priority = PriorityFactory()
    response = admin_client.post(
        change_url(priority), priority_form(priority, actions=[next_step(owner="  ")])
    )
    assert errors_of(response) == [
        "Enter who owns this next step, for example DSCP Business Unit or a partner agency."
    ]
    assert "Enter who owns this next step" in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.txt", b"plain text"),
            "The file must be a PDF or an Office document",
        ),
        (
            SimpleUploadedFile("renamed.pdf", b"MZ\x90\x00 a program"),
            "does not look like a real .pdf file",
        ),
        (
            uploads.of_size(11 * 1024 * 1024),
            "The file must be smaller than 10 MB; this one is 11.0 MB.",
        ),
    ],
)
def test_wrong_or_oversized_upload_gets_a_clear_message(admin_client, upload, message):
    priority = PriorityFactory()
    document = {"title": "Briefing", "file": upload, "date": "2023-12-01", "order": 0}
    response = admin_client.post(
        change_url(priority), priority_form(priority, documents=[document])
    )
    assert response.status_code == 200
    (error,) = errors_of(response)
    assert message in error
    assert not Document.objects.exists()


def test_pdf_upload_is_stored_and_linked(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    priority = PriorityFactory()
    document = {"title": "CAPVA briefing", "file": uploads.pdf(), "date": "2023-12-01", "order": 0}
    response = admin_client.post(
        change_url(priority), priority_form(priority, documents=[document])
    )
    assert response.status_code == 302, errors_of(response)
    stored = priority.documents.get()
    assert stored.file.name.endswith(".pdf")
    assert "(PDF)" in admin_client.get(priority.get_absolute_url()).content.decode()


def phases_form(cycle, rows) -> dict:
    data = {
        "priority": cycle.priority_id,
        "title": cycle.title,
        "purpose": cycle.purpose,
        "start_date": cycle.start_date.isoformat(),
        "end_date": "",
        "phases-TOTAL_FORMS": len(rows),
        "phases-INITIAL_FORMS": 0,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        row = {"description": "", "start_date": "", "end_date": "", **row}
        data |= {f"phases-{i}-{key}": value for key, value in row.items()}
    return data


def cycle_url(cycle) -> str:
    return reverse("admin:priorities_learningcycle_change", args=[cycle.pk])


def test_phases_dated_out_of_order_get_a_clear_message(admin_client):
    cycle = LearningCycleFactory(start_date=date(2023, 4, 1))
    rows = [
        {"number": 1, "title": "Question", "start_date": "2023-06-01", "status": "complete"},
        {"number": 2, "title": "Families", "start_date": "2023-05-01", "status": "complete"},
    ]
    response = admin_client.post(cycle_url(cycle), phases_form(cycle, rows))
    assert errors_of(response) == [
        "Phase 2 cannot start before phase 1: put the phases in the order they happen."
    ]
    assert not Phase.objects.exists()


def test_phase_started_before_the_one_before_it_gets_a_clear_message(admin_client):
    cycle = LearningCycleFactory()
    rows = [
        {"number": 1, "title": "Question", "status": "not_started"},
        {"number": 2, "title": "Families", "status": "in_progress"},
    ]
    response = admin_client.post(cycle_url(cycle), phases_form(cycle, rows))
    assert errors_of(response) == [
        "Phase 2 cannot have started while phase 1 has not: "
        "mark the earlier phase as in progress or complete first."
    ]


def test_phase_number_used_twice_gets_a_message(admin_client):
    cycle = LearningCycleFactory()
    rows = [
        {"number": 1, "title": "Question", "status": "complete"},
        {"number": 1, "title": "Families", "status": "complete"},
    ]
    response = admin_client.post(cycle_url(cycle), phases_form(cycle, rows))
    assert response.status_code == 200
    assert not Phase.objects.exists()


def test_phases_in_order_are_saved(admin_client):
    cycle = LearningCycleFactory(start_date=date(2023, 4, 1))
    rows = [
        {"number": 2, "title": "Families", "start_date": "2023-06-01", "status": "in_progress"},
        {"number": 1, "title": "Question", "start_date": "2023-05-01", "status": "complete"},
    ]
    response = admin_client.post(cycle_url(cycle), phases_form(cycle, rows))
    assert response.status_code == 302, errors_of(response)
    assert [p.title for p in cycle.phases.all()] == ["Question", "Families"]


def test_priority_page_shows_its_cycles_phases_with_a_link_to_edit_them(admin_client):
    phase = PhaseFactory(number=1, title="Setting the question", status=PhaseStatus.COMPLETE)
    html = admin_client.get(change_url(phase.cycle.priority)).content.decode()
    assert "Phase 1: Setting the question (Complete)" in html
    assert cycle_url(phase.cycle) in html


def action_plan_url(**query) -> str:
    url = reverse("admin:priorities_action_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_action_plan_lists_open_next_steps_by_owner_overdue_first(admin_client):
    ActionFactory(
        owner="Police", description="Police later", start_date=None, due_date=date(2099, 1, 1)
    )
    ActionFactory(
        owner="Police", description="Police overdue", start_date=None, due_date=date(2020, 1, 1)
    )
    ActionFactory(owner="Health", description="Health soon", due_date=date(2098, 1, 1))
    ActionFactory(owner="Health", description="Health done", status=ActionStatus.DONE)
    response = admin_client.get(action_plan_url())
    listed = [a.description for a in response.context["cl"].result_list]
    assert listed == ["Health soon", "Police overdue", "Police later"]
    assert "Action plan: open next steps by owner, overdue first" in response.content.decode()


def test_action_plan_filters_by_status_across_priorities(admin_client):
    ActionFactory(description="At risk one", status=ActionStatus.AT_RISK)
    ActionFactory(description="At risk two", status=ActionStatus.AT_RISK)
    ActionFactory(description="Finished", status=ActionStatus.DONE)
    at_risk = admin_client.get(action_plan_url(status="at_risk")).context["cl"].result_list
    assert sorted(a.description for a in at_risk) == ["At risk one", "At risk two"]
    everything = admin_client.get(action_plan_url(status="all")).context["cl"].result_list
    assert len(everything) == 3


def test_action_plan_filters_overdue(admin_client):
    ActionFactory(description="Late", start_date=None, due_date=date(2020, 1, 1))
    ActionFactory(description="In time")
    overdue = admin_client.get(action_plan_url(overdue="yes")).context["cl"].result_list
    assert [a.description for a in overdue] == ["Late"]


def test_action_plan_says_overdue_in_words_and_names_each_status_select(admin_client):
    ActionFactory(description="Late step", start_date=None, due_date=date(2020, 1, 1))
    ActionFactory(description="Timely step", due_date=date(2099, 1, 1))
    html = admin_client.get(action_plan_url()).content.decode()
    rows = {row.split("</tr>")[0] for row in html.split("<tr")[1:]}
    late = next(row for row in rows if "Late step" in row)
    timely = next(row for row in rows if "Timely step" in row)
    assert "Overdue" in late and "Overdue" not in timely
    assert "icon-yes.svg" not in html and "icon-no.svg" not in html
    assert 'aria-label="Status of: Late step"' in html
    assert 'aria-label="Status of: Timely step"' in html


def test_mark_done_finishes_the_chosen_next_steps(admin_client):
    chosen = ActionFactory.create_batch(2)
    other = ActionFactory()
    response = admin_client.post(
        action_plan_url(),
        {"action": "mark_done", "_selected_action": [a.pk for a in chosen]},
        follow=True,
    )
    assert "2 next steps marked as done." in response.content.decode()
    assert set(Action.objects.filter(status=ActionStatus.DONE)) == set(chosen)
    other.refresh_from_db()
    assert other.status == ActionStatus.ON_TRACK


def test_staff_add_a_theme_of_their_own(admin_client):
    response = admin_client.post(
        reverse("admin:priorities_theme_add"), {"name": "Voice of the child", "order": 5}
    )
    assert response.status_code == 302
    assert Theme.objects.filter(name="Voice of the child").exists()


def test_a_next_step_can_be_edited_on_its_own_page(admin_client):
    action = ActionFactory(status=ActionStatus.NOT_STARTED)
    url = reverse("admin:priorities_action_change", args=[action.pk])
    assert "last updated" in admin_client.get(url).content.decode().lower()
    form = {
        "priority": action.priority_id,
        "theme": action.theme_id,
        "description": action.description,
        "owner": action.owner,
        "start_date": "2024-01-01",
        "due_date": "2024-12-31",
        "status": ActionStatus.AT_RISK,
    }
    assert admin_client.post(url, form).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.AT_RISK

    response = admin_client.post(url, form | {"owner": ""})
    assert "Enter who owns this next step" in response.content.decode()
