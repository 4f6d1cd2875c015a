import io

import pytest
from django.core.management import CommandError, call_command

from newsletter.models import Article
from training.models import Booking, Session

pytestmark = pytest.mark.django_db


def test_load_scale_adds_content_in_proportion_and_refuses_a_second_run():
    call_command("load_scale", scale=0.01, stdout=io.StringIO())
    assert Article.objects.count() == 20
    assert Session.objects.count() == 20
    assert Booking.objects.count() == 500
    with pytest.raises(CommandError):
        call_command("load_scale", scale=0.01, stdout=io.StringIO())
