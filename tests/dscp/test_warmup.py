from django.db import connection
from django.forms.renderers import get_default_renderer
from django.template import engines

from dscp.warmup import warm_up


def _cached(engine) -> set[str]:
    return set(engine.engine.template_loaders[0].get_template_cache)


def test_warm_up_compiles_page_and_widget_templates_without_connecting():
    connection.close()
    warm_up()
    assert connection.connection is None
    assert {"base.html", "training/session_book.html", "gds/field.html"} <= _cached(
        engines["django"]
    )
    assert "django/forms/widgets/input.html" in _cached(get_default_renderer().engine)
