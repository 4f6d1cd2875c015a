"""The import contracts, read from the source so the boundaries cannot drift back.

1. ``dscp/`` is settings, URLs, the Celery app, project-wide commands and a toolkit:
   its toolkit imports no app.
2. An app reaches another app only through that app's ``services``, ``selectors``
   or ``hooks`` (the search index's adapters may read other apps' models, and demo content
   may reuse another app's demo facts).
3. Nothing imports a ``tasks`` module: services queue tasks by name (``dscp.dispatch``).
4. Inside an app, models import no services, and services and selectors import no
   views, forms or admin.
5. No module is over 400 lines, except demo content: past that, split it by use-case.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every app of the project: a top-level package with an apps.py, other than dscp itself.
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py") if p.parent.name != "dscp")
# The project package's own modules that may name apps: they wire the apps together.
# Project-wide management commands (load_demo, load_scale) compose the apps too.
DSCP_WIRING = {"dscp.settings", "dscp.urls", "dscp.celery", "dscp.wsgi", "dscp.asgi"}
DSCP_WIRING_PACKAGES = ("dscp.management.",)
CROSS_APP_ENTRANCES = {"services", "selectors", "hooks"}
# The site search index reads every app's public content and listens for its saves;
# these adapters are the one place allowed to read other apps' models, and only them.
INDEX_ADAPTERS = {"search.documents", "search.signals"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in ["dscp", *APPS]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, with its line (``from a import b`` gives a.b too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from app import selectors" names app.selectors, not the whole app.
            if "." in node.module:
                names.append((node.lineno, node.module))
            names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return names


MODULES = _modules()
MAX_LINES = 400


def _app(module: str) -> str:
    return module.split(".")[0]


def _violations(rule) -> list[str]:
    problems = []
    for module, path in MODULES.items():
        for line, imported in _imports(path):
            reason = rule(module, imported)
            if reason:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}: {reason}")
    return sorted(set(problems))


def test_the_dscp_toolkit_imports_no_app():
    def rule(module, imported):
        wiring = module in DSCP_WIRING or module.startswith(DSCP_WIRING_PACKAGES)
        if _app(module) == "dscp" and not wiring and _app(imported) in APPS:
            return "dscp/ is a toolkit every app may use, so it must not depend on one"

    assert _violations(rule) == []


def test_apps_reach_each_other_only_through_services_and_selectors():
    def rule(module, imported):
        mine, theirs = _app(module), _app(imported)
        if mine in APPS and theirs in APPS and mine != theirs:
            parts = imported.split(".")
            if module in INDEX_ADAPTERS and parts[1:2] == ["models"]:
                return None
            # Demo content of one app may reuse the facts of another's demo content.
            if module == f"{mine}.demo" and parts[1:2] == ["demo"]:
                return None
            if len(parts) < 2 or parts[1] not in CROSS_APP_ENTRANCES:
                return f"use {theirs}.services or {theirs}.selectors"

    assert _violations(rule) == []


def test_no_module_imports_a_tasks_module():
    def rule(module, imported):
        parts = imported.split(".")
        if _app(imported) in APPS and len(parts) > 1 and parts[1] == "tasks":
            return 'queue it with dscp.dispatch.enqueue("<app>.tasks.<name>", ...)'

    assert _violations(rule) == []


LAYERS = {
    "models": {"services", "selectors", "views", "forms", "admin", "notifications"},
    "services": {"views", "forms", "admin"},
    "selectors": {"services", "views", "forms", "admin"},
    "notifications": {"views", "forms", "admin"},
}


def test_lower_layers_of_an_app_do_not_import_higher_ones():
    def rule(module, imported):
        parts, target = module.split("."), imported.split(".")
        if _app(module) not in APPS or len(parts) < 2 or len(target) < 2:
            return None
        if _app(imported) == _app(module) and target[1] in LAYERS.get(parts[1], ()):
            return f"{parts[1]} sits below {target[1]}"

    assert _violations(rule) == []


# Settings read the whole environment in one place (STYLE.md: never two places that set
# the same thing), so they are held to the limit only loosely.
LONG_BY_NATURE = {"dscp.settings": 450}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith(".demo")))
def test_no_module_is_over_400_lines_except_demo_content(module):
    lines = len(MODULES[module].read_text().splitlines())
    limit = LONG_BY_NATURE.get(module, MAX_LINES)
    assert lines <= limit, f"{module} has {lines} lines: split it by use-case"
