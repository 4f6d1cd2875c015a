"""Load what the first requests would otherwise load, before a worker serves anyone.

Without this each gunicorn worker imported the views, compiled every template and
loaded the Redis client on its first requests: a worker's first booking took 1.3 to
2.5 seconds. ``dscp/wsgi.py`` calls ``warm_up()`` once the app is built, so with
``preload_app`` (``gunicorn.conf.py``) it runs once in the master and every forked
worker starts warm. It opens no connection: a socket made before the fork would be
shared by every worker.
"""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.validators import URLValidator, validate_email
from django.db import connections
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import reverse
from django.utils import translation


def _template_names(engine) -> list[str]:
    names = []
    for folder in engine.template_dirs:
        root = Path(folder)
        names += [
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        ]
    return names


def warm_up() -> None:
    """Import every view, compile every template, load the cache and broker clients."""
    # Reversing imports every urls.py, so every view, form, service and selector.
    reverse("home")
    # Widgets render through the form renderer's own template engine.
    for engine in [*engines.all(), get_default_renderer().engine]:
        for name in _template_names(engine):
            try:
                # With DEBUG off Django's cached loader keeps the compiled template.
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                # A file in a template folder that is not a template of this engine.
                continue
    # Every app's translation catalogue is read on first activation.
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")
    # Validators compile their patterns on first use; the email pattern alone
    # took 200 ms of a worker's first booking.
    validate_email("warm.up@example.org")
    URLValidator()("https://warm-up.example.org/")
    # The rate limits' cache client and the task broker's transport, imported
    # without connecting.
    import django_ratelimit.core  # noqa: F401
    import kombu.transport.redis  # noqa: F401
    import redis  # noqa: F401

    caches["default"]
    from dscp.celery import app

    app.finalize()
    connections.close_all()


def connect() -> None:
    """Open this worker's database, cache and broker connections; call after the fork."""
    connections["default"].ensure_connection()
    caches["default"].get("warm-up")
    from dscp.celery import app

    if not app.conf.task_always_eager:
        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1)
