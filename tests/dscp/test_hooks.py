import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dscp.hooks import Hook

ROOT = Path(__file__).resolve().parents[2]


def test_a_filled_hook_answers_with_its_filler():
    hook = Hook("tests.double")
    hook.fill(lambda *, number: number * 2)
    assert hook(number=21) == 42


def test_an_unfilled_hook_gives_its_default_or_refuses_to_run():
    assert Hook("tests.optional", default=())(priority=None) == ()
    with pytest.raises(ImproperlyConfigured, match=r"Nothing fills the hook tests\.required"):
        Hook("tests.required")(email="sam@example.org")


def test_a_hook_has_one_answerer():
    def answer():
        return 1

    def another():
        return 2

    hook = Hook("tests.single")
    hook.fill(answer)
    hook.fill(answer)  # ready() may run again in one process: the same filler is no change
    with pytest.raises(ImproperlyConfigured, match="filled twice"):
        hook.fill(another)


def _declared_hooks() -> list[Hook]:
    hooks = []
    for path in sorted(ROOT.glob("*/hooks.py")):
        if path.parent.name == "dscp":
            continue
        module = importlib.import_module(f"{path.parent.name}.hooks")
        hooks += [value for value in vars(module).values() if isinstance(value, Hook)]
    return hooks


def test_every_hook_an_app_declares_is_filled_by_an_installed_app():
    hooks = _declared_hooks()
    assert len(hooks) >= 3, "the apps' hooks.py were not found"
    assert [hook.name for hook in hooks if hook.answer is None] == []
