"""Each staff role can do its job in admin and nothing else; exports need their own right."""

import importlib

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEntry
from subscriptions.models import Subscriber
from tests.evaluations.factories import OpenEvaluationFactory, ResponseFactory
from tests.factories import StaffFactory
from tests.subscriptions.factories import MailingListFactory, SubscriptionFactory
from tests.training.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def roles():
    """The groups the migration made. A transactional test elsewhere flushes every table,
    data migrations' rows included, so with a reused database they are made again here."""
    from django.apps import apps

    migration = importlib.import_module("audit.migrations.0002_staff_roles")
    if Group.objects.filter(name__in=migration.ROLES).count() != len(migration.ROLES):
        migration.create_roles(apps, None)


CHANGELISTS = {
    "newsletter": "admin:newsletter_issue_changelist",
    "training": "admin:training_course_changelist",
    "evaluations": "admin:evaluations_evaluation_changelist",
    "subscriptions": "admin:subscriptions_subscriber_changelist",
    "priorities": "admin:priorities_priority_changelist",
    "audit": "admin:audit_auditentry_changelist",
}
# Subscribers are added by signing up or importing, never by hand: lists stand in.
ADDS = {app: name.replace("_changelist", "_add") for app, name in CHANGELISTS.items()} | {
    "subscriptions": "admin:subscriptions_mailinglist_add"
}
ROLE_APPS = {
    "Newsletter editor": {"newsletter"},
    "Training administrator": {"training", "evaluations"},
    "Subscriptions administrator": {"subscriptions"},
    "Priorities editor": {"priorities"},
}


def member_of(client, role):
    staff = StaffFactory(is_superuser=False)
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


@pytest.mark.parametrize("role", ROLE_APPS)
def test_each_role_works_in_its_own_part_of_admin_and_sees_no_other(client, role):
    member_of(client, role)
    for app, url in CHANGELISTS.items():
        expected = 200 if app in ROLE_APPS[role] | {"audit"} else 403
        assert client.get(reverse(url)).status_code == expected, app
        if app != "audit":
            expected_add = 200 if app in ROLE_APPS[role] else 403
            assert client.get(reverse(ADDS[app])).status_code == expected_add, app


def test_the_partnership_manager_sees_everything_and_changes_nothing_but_publishing(client):
    staff = member_of(client, "Partnership manager")
    for app, url in CHANGELISTS.items():
        assert client.get(reverse(url)).status_code == 200, app
        if app != "audit":
            assert client.get(reverse(ADDS[app])).status_code == 403, app
    assert staff.has_perm("newsletter.change_issue")
    assert not staff.has_perm("audit.export_personal_data")


def _mailing_list_export():
    mailing_list = MailingListFactory(name="Practitioners")
    SubscriptionFactory(mailing_list=mailing_list)
    url = reverse("admin:subscriptions_mailinglist_export", args=[mailing_list.pk])
    return url, "Practitioners", 1


def _register_export():
    session = SessionFactory(course__title="Eyes on the Baby")
    BookingFactory.create_batch(2, session=session)
    return reverse("admin:training_session_register_csv", args=[session.pk]), "Eyes on the Baby", 2


def _evaluation_responses_export():
    evaluation = OpenEvaluationFactory(title="Safeguarding Week 2023")
    ResponseFactory.create_batch(3, evaluation=evaluation, comments="Jo in the MASH helped")
    url = reverse("evaluations:report_csv") + f"?evaluation={evaluation.pk}"
    return url, "Safeguarding Week 2023", 3


def _non_attendance_export():
    # The invoicing CSV names each no-show; with none yet it is still an export.
    url = reverse("admin:training_nonattendance_csv") + "?organisation=Durham+Constabulary"
    return url, "Durham Constabulary", 0


# Every download of people's details, and a role whose work shows them on a page.
EXPORTS = {
    "mailing list": (_mailing_list_export, "Subscriptions administrator"),
    "register": (_register_export, "Training administrator"),
    "evaluation responses": (_evaluation_responses_export, "Training administrator"),
    "non-attendance invoice": (_non_attendance_export, "Training administrator"),
}


@pytest.mark.parametrize("export", EXPORTS)
def test_seeing_people_is_not_enough_to_export_them_and_every_export_is_audited(client, export):
    make, role = EXPORTS[export]
    url, subject, count = make()
    staff = member_of(client, role)
    assert client.get(url).status_code == 403
    member_of(client, "Partnership manager")
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.exists()

    staff.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached per user object
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.count) == (staff, "exported", count)
    assert subject in entry.subject


def test_the_evaluation_report_is_for_staff_who_may_read_responses(client):
    ResponseFactory()
    url = reverse("evaluations:report")
    member_of(client, "Newsletter editor")
    assert client.get(url).status_code == 403
    member_of(client, "Training administrator")
    page = client.get(url)
    assert page.status_code == 200
    assert "Can export personal data" in page.text
    assert reverse("evaluations:report_csv") not in page.text


def test_viewing_is_not_enough_to_run_an_admin_action(rf, client):
    """Every action of ours changes something (erases, cancels, marks), so each needs more than view."""
    request = rf.get("/")
    request.user = StaffFactory()
    for model, model_admin in admin.site._registry.items():
        package = type(model_admin).__module__.split(".")[0]
        if not (settings.BASE_DIR / package / "apps.py").exists():
            continue  # Django's own and libraries' (axes): superusers only
        for name, action in model_admin.get_actions(request).items():
            needs = set(getattr(action.func, "allowed_permissions", ())) - {"view"}
            assert needs, f"{model.__name__} admin: {name}"

    subscription = SubscriptionFactory()
    member_of(client, "Partnership manager")
    client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "erase", "_selected_action": [subscription.subscriber.pk]},
    )
    assert Subscriber.objects.filter(pk=subscription.subscriber.pk).exists()


def test_the_audit_log_holds_no_personal_data_and_cannot_be_edited(client):
    member_of(client, "Partnership manager")
    mailing_list = MailingListFactory()
    subscription = SubscriptionFactory(mailing_list=mailing_list)
    admin = StaffFactory()
    client.force_login(admin)
    client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "erase", "_selected_action": [subscription.subscriber.pk]},
    )
    entry = AuditEntry.objects.get(actor=admin)
    assert (entry.action, entry.count, entry.actor) == ("erased", 1, admin)
    assert subscription.subscriber.email not in str(entry.__dict__)
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
