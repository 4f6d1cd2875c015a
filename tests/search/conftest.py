from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The December 2023 demo content, indexed as make run leaves it."""
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def titles():
    """The titles of a search's hits on its first page, best first."""
    from search import selectors

    def _titles(query: str, **kwargs) -> list[str]:
        results = selectors.search(query=query, **kwargs)
        return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in results.page]

    return _titles
