import pytest
from django.core.cache import cache

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH

pytest_plugins = ["tests.support.delivery"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments from one test must not leak into the next."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _password_only_admin(settings):
    """Admin tests sign staff in with force_login; tests/dscp/test_admin_sign_in.py
    covers two-factor sign-in and the lockout with it on."""
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with no background traffic to the closed network."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, settings):
    """The portal served for a browser, with emails linking back to it."""
    settings.SITE_URL = live_server.url
    return live_server
