import pytest

from tests.subscriptions.factories import MailingListFactory


@pytest.fixture
def newsletter(db):
    return MailingListFactory(slug="newsletter", name="DSCP newsletter", order=1)


@pytest.fixture
def training(db):
    return MailingListFactory(slug="training-updates", name="Training updates", order=2)
