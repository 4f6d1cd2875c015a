import pytest

from newsletter import tasks
from tests.support.mail import check_retried_then_given_up

from .factories import IssueFactory

pytestmark = pytest.mark.django_db


def test_a_test_send_is_tried_again_while_the_relay_is_busy_then_given_up(monkeypatch, mailoutbox):
    issue = IssueFactory()
    check_retried_then_given_up(
        monkeypatch,
        mailoutbox,
        lambda: tasks.send_test.delay(issue_id=issue.pk, to=["editor@example.org"]),
    )


def test_a_test_send_of_a_deleted_issue_sends_nothing(mailoutbox):
    tasks.send_test.delay(issue_id=999_999, to=["editor@example.org"])
    assert mailoutbox == []
