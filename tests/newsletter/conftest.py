import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by tests land in a throwaway folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
