import pytest

from evaluations.services import Answers


@pytest.fixture
def answers():
    """A complete, valid set of answers; tests replace what they are about."""

    def _answers(**changes):
        values = {
            "works_with": "children",
            "agency": "Durham Constabulary",
            "rating": 5,
            "knowledge_before": 4,
            "knowledge_after": 8,
            "confidence_before": 5,
            "confidence_after": 9,
            "do_differently": "Ask about the baby's sleeping place at every visit.",
            "comments": "",
        }
        values.update(changes)
        return Answers(**values)

    return _answers
