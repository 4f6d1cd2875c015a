"""The import contracts, read from the source so the boundaries cannot drift back.

The apps stand in one order, bottom to top (``APP_ORDER``)::

    dscp (toolkit) < audit < priorities < subscriptions < training < evaluations
    < newsletter < privacy, search, dashboard, pages (they compose the apps below)

It is the order the models' foreign keys already imply: newsletter's articles point
at priorities, courses, events and impact figures; evaluations at training and
priorities; training at priorities; audit names no other app. Subscriptions sit
below newsletter because a send reads subscribers; nothing in subscriptions needs
training, so the two could swap, and this order keeps one line to read.

When a lower app's own page or email needs what a higher app knows, it asks through
a hook (``dscp/hooks.py``): the lower app declares it in its ``hooks.py`` and calls
it; the higher app fills it in ``AppConfig.ready()``. So a priority's page gets its
courses, impact figures and news, the welcome email the latest issue, and the
preferences page and subscribers admin the erasure, without naming the app that
answers. One way everywhere, chosen over pages put together in a composing app
because those pages and emails belong to the lower app (its URLs, its templates,
its tests): moving them up would split each app's pages across two apps, while a
hook moves one line and keeps the page where a reader looks for it. Pages that
belong to no one app (the home page, the staff home) are composed above, in
``pages`` and ``dashboard``, which import the apps below them directly.

The rules, each a function of a project root, so each runs on the real tree and on a
small tree written by a test with one deliberate violation of it:

1. Every app of ``APP_ORDER`` is found, no other, each with its skeleton (so a walk
   that finds nothing cannot pass).
2. ``dscp/`` is a toolkit: it imports no app.
3. Each app imports only apps below it in ``APP_ORDER``.
4. An app reaches another only through its ``services``, ``selectors`` or ``hooks``
   (the search index's adapters may read other apps' models, and demo content may
   reuse another app's demo facts).
5. Nothing imports a ``tasks`` module: services queue tasks by name (``dscp.dispatch``).
6. Inside an app, lower layers import no higher ones (``LAYERS``; tasks are thin and
   sit below views, forms and admin).
7. No module is over 400 lines, except demo content: past that, split it by use-case.
8. An app's templates name only apps below it: what they include or extend, the
   tag libraries they load and the namespaced URLs they link to. Un-namespaced URL
   names are the site's own pages (home, privacy notice), which any page may link to,
   and the site shell in ``templates/`` is wiring, like ``dscp/urls.py``.

Every import counts: module level or inside a function, absolute or relative (resolved
to the absolute name), in templatetags and management commands alike.

``WIRING`` modules are exempt from 2 and 3: settings, URLs, the Celery app and the
WSGI/ASGI entry points exist to put the apps together, and the project-wide
commands ``load_demo`` and ``load_scale`` fill every app at once. No app imports
them, so they close no loop.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top; apps in one tier may not import each other.
APP_ORDER = [
    ["dscp"],
    ["audit"],
    ["priorities"],
    ["subscriptions"],
    ["training"],
    ["evaluations"],
    ["newsletter"],
    ["privacy", "search", "dashboard", "pages"],
]
TIER = {app: level for level, tier in enumerate(APP_ORDER) for app in tier}
# What each app must have: a walk that misses these found the wrong tree.
SKELETON = {
    "dscp": {"hooks", "dispatch", "settings", "urls"},
    "audit": {"apps", "models", "services", "admin"},
    "priorities": {"apps", "models", "services", "selectors", "views", "urls", "admin", "hooks"},
    "subscriptions": {"apps", "models", "services", "selectors", "views", "urls", "admin",
                      "notifications", "tasks", "hooks"},
    "training": {"apps", "models", "services", "selectors", "views", "urls", "admin",
                 "notifications", "tasks"},
    "evaluations": {"apps", "models", "services", "selectors", "views", "urls", "admin",
                    "notifications", "tasks"},
    "newsletter": {"apps", "models", "services", "selectors", "views", "urls", "admin", "tasks"},
    "privacy": {"apps", "services"},
    "search": {"apps", "models", "services", "selectors", "views", "urls", "documents", "tasks"},
    "dashboard": {"apps", "selectors"},
    "pages": {"apps", "views", "urls"},
}  # fmt: skip
WIRING = {
    "dscp.settings",
    "dscp.urls",
    "dscp.celery",
    "dscp.wsgi",
    "dscp.asgi",
    "dscp.management.commands.load_demo",
    "dscp.management.commands.load_scale",
}
CROSS_APP_ENTRANCES = {"services", "selectors", "hooks"}
# The site search index reads every app's public content and listens for its saves;
# these adapters are the one place allowed to read other apps' models, and only them.
INDEX_ADAPTERS = {"search.documents", "search.signals"}
# Inside an app: a module of the key's layer imports none of these of its own app.
LAYERS = {
    "hooks": {"models", "services", "selectors", "views", "forms", "admin", "notifications"},
    "models": {"services", "selectors", "views", "forms", "admin", "notifications"},
    "selectors": {"services", "views", "forms", "admin"},
    "services": {"views", "forms", "admin"},
    "notifications": {"views", "forms", "admin"},
    "tasks": {"views", "forms", "admin"},
}
MAX_LINES = 400
# Settings read the whole environment in one place (STYLE.md: never two places that set
# the same thing), so they are held to the limit only loosely.
LONG_BY_NATURE = {"dscp.settings": 450}


# Reading a tree


def _packages(root: Path) -> list[str]:
    """dscp and every app: a top-level package with an apps.py."""
    return sorted(p.parent.name for p in root.glob("*/apps.py"))


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in _packages(root):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(module: str, path: Path) -> list[tuple[int, list[str]]]:
    """Each import in the module, anywhere in it, with the absolute names it may mean.

    ``from a.b import c`` means a.b or a.b.c (c may be a module); ``from a import c``
    means a.c, not the whole of a; ``from . import c`` in a/b.py means a.c too.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                whole = [base] if "." in base else []
                found.append((node.lineno, [*whole, f"{base}.{alias.name}"]))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def _violations(root: Path, rule) -> list[str]:
    """``rule(module, imported)`` gives a reason or None; one message per import and reason."""
    problems = {}
    for module, path in _modules(root).items():
        for line, names in _imports(module, path):
            for imported in names:
                reason = rule(module, imported)
                if reason:
                    where = f"{path.relative_to(root)}:{line}"
                    problems.setdefault((where, reason), f"{reason}: {where} imports {imported}")
    return sorted(problems.values())


# The rules


def every_app_is_found(root: Path) -> list[str]:
    problems = []
    found, known = set(_packages(root)), set(TIER)
    problems += [
        f"{app} has no place in the app order (APP_ORDER)" for app in sorted(found - known)
    ]
    problems += [f"{app} of the app order is missing" for app in sorted(known - found)]
    modules = _modules(root)
    for app in sorted(found & known):
        for part in sorted(SKELETON[app]):
            if f"{app}.{part}" not in modules:
                problems.append(f"{app} has no {part} module: {app}/{part}.py or {app}/{part}/")
    problems += [f"the wiring module {name} is gone" for name in sorted(WIRING - set(modules))]
    return problems


def toolkit_imports_no_app(root: Path) -> list[str]:
    def rule(module, imported):
        app = _top(imported)
        if _top(module) == "dscp" and module not in WIRING and app in TIER and app != "dscp":
            return "dscp/ is a toolkit every app may use, so it imports no app"

    return _violations(root, rule)


def apps_import_only_apps_below(root: Path) -> list[str]:
    def rule(module, imported):
        if _top(module) != "dscp":
            return _order(_top(module), _top(imported))

    return _violations(root, rule)


def _order(mine: str, theirs: str) -> str | None:
    """Why ``mine`` may not name ``theirs``, or None if it may."""
    if mine == theirs or mine not in TIER or theirs not in TIER:
        return None
    if TIER[theirs] > TIER[mine]:
        return f"{theirs} is above {mine}"
    if TIER[theirs] == TIER[mine]:
        return f"{theirs} and {mine} are side by side in the app order"
    return None


def apps_meet_through_entrances(root: Path) -> list[str]:
    def rule(module, imported):
        mine, theirs = _top(module), _top(imported)
        if "dscp" in (mine, theirs) or mine == theirs or theirs not in TIER:
            return None
        part = imported.split(".")[1:2]
        if module in INDEX_ADAPTERS and part == ["models"]:
            return None
        # Demo content of one app may reuse the facts of another's demo content.
        if module == f"{mine}.demo" and part == ["demo"]:
            return None
        if not part or part[0] not in CROSS_APP_ENTRANCES:
            return f"another app is reached through {theirs}.services, .selectors or .hooks"

    return _violations(root, rule)


def nothing_imports_tasks(root: Path) -> list[str]:
    def rule(module, imported):
        if _top(imported) in TIER and imported.split(".")[1:2] == ["tasks"]:
            return 'tasks are queued by name: dscp.dispatch.enqueue("<app>.tasks.<name>", ...)'

    return _violations(root, rule)


def layers_inside_an_app(root: Path) -> list[str]:
    def rule(module, imported):
        layer, target = module.split(".")[1:2], imported.split(".")[1:2]
        if _top(module) == "dscp" or _top(imported) != _top(module) or not layer or not target:
            return None
        if target[0] in LAYERS.get(layer[0], ()):
            return f"{layer[0]} sits below {target[0]}"

    return _violations(root, rule)


def modules_stay_short(root: Path) -> list[str]:
    problems = []
    for module, path in _modules(root).items():
        lines = len(path.read_text().splitlines())
        if not module.endswith(".demo") and lines > LONG_BY_NATURE.get(module, MAX_LINES):
            problems.append(
                f"modules stay under {MAX_LINES} lines: {path.relative_to(root)} has {lines}, "
                "split it by use-case"
            )
    return problems


# {% include "app/..." %}, {% extends "app/..." %}, {% url 'app:name' %}, {% load a b %}
_TEMPLATE_NAMES = re.compile(
    r"""{%\s*(?:(?:include|extends)\s+["'](\w+)/|url\s+["'](\w+):|load\s+([\w ]+?)\s*%})"""
)


def templates_follow_the_app_order(root: Path) -> list[str]:
    libraries = {path.stem: path.parent.parent.name for path in root.glob("*/templatetags/*.py")}
    problems = []
    for mine in _packages(root):
        for path in sorted((root / mine / "templates").rglob("*.*")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                for include, url, loads in _TEMPLATE_NAMES.findall(line):
                    named = [include or url] if include or url else loads.split()
                    for theirs in (libraries.get(name, name) for name in named):
                        if reason := _order(mine, theirs):
                            where = f"{path.relative_to(root)}:{number}"
                            problems.append(f"{reason}: {where} names {theirs}")
    return sorted(problems)


RULES = [
    every_app_is_found,
    toolkit_imports_no_app,
    apps_import_only_apps_below,
    apps_meet_through_entrances,
    nothing_imports_tasks,
    layers_inside_an_app,
    modules_stay_short,
    templates_follow_the_app_order,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_code_keeps_the_rule(rule):
    assert rule(ROOT) == []


def test_the_walk_reads_imports_in_functions_and_relative_ones():
    modules = _modules(ROOT)
    # training fills a priorities hook from inside ready(); dscp's package loads Celery
    # with a relative import.
    assert "priorities.hooks" in _names(modules, "training.apps")
    assert "dscp.celery" in _names(modules, "dscp")


def _names(modules: dict[str, Path], module: str) -> set[str]:
    return {name for _, names in _imports(module, modules[module]) for name in names}


# Each rule fires: a small tree with one violation of it


def _tree(root: Path, files: dict[str, str]) -> Path:
    """A fake project: each top-level folder is a package with an apps.py."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for folder in path.relative_to(root).parents[:-1]:
            (root / folder / "__init__.py").touch()
        (root / path.relative_to(root).parts[0] / "apps.py").touch()
    return root


def test_a_missing_app_an_unknown_app_or_a_missing_module_is_found(tmp_path):
    skeleton = {f"{app}/{part}.py": "" for app in TIER for part in SKELETON[app]}
    skeleton |= {f"{name.replace('.', '/')}.py": "" for name in WIRING}
    assert every_app_is_found(_tree(tmp_path, skeleton)) == []
    (tmp_path / "training" / "selectors.py").unlink()
    (tmp_path / "pages" / "apps.py").unlink()
    _tree(tmp_path, {"shop/models.py": ""})
    assert every_app_is_found(tmp_path) == [
        "shop has no place in the app order (APP_ORDER)",
        "pages of the app order is missing",
        "training has no selectors module: training/selectors.py or training/selectors/",
    ]


def test_the_toolkit_importing_an_app_fires_but_wiring_may(tmp_path):
    root = _tree(
        tmp_path,
        {
            "dscp/dates.py": "def today():\n    from training import selectors\n",
            "dscp/urls.py": "from training import urls\n",
        },
    )
    assert toolkit_imports_no_app(root) == [
        "dscp/ is a toolkit every app may use, so it imports no app: "
        "dscp/dates.py:2 imports training.selectors"
    ]


def test_an_import_of_an_app_above_fires(tmp_path):
    root = _tree(
        tmp_path,
        {
            "subscriptions/notifications.py": "import os\nfrom newsletter import selectors\n",
            "newsletter/selectors.py": "from subscriptions.selectors import mailable\n",
            "pages/views.py": "from search import selectors\n",
        },
    )
    assert apps_import_only_apps_below(root) == [
        "newsletter is above subscriptions: subscriptions/notifications.py:2 imports "
        "newsletter.selectors",
        "search and pages are side by side in the app order: pages/views.py:1 imports "
        "search.selectors",
    ]


def test_an_import_of_another_apps_models_or_views_fires(tmp_path):
    root = _tree(
        tmp_path,
        {
            "training/views.py": "from priorities.models import Priority\n",
            "newsletter/demo.py": "from training.demo import COURSES\n",
            "search/documents.py": "from training.models import Course\n",
            "privacy/services.py": "from training import selectors\n",
        },
    )
    assert apps_meet_through_entrances(root) == [
        "another app is reached through priorities.services, .selectors or .hooks: "
        "training/views.py:1 imports priorities.models"
    ]


def test_an_import_of_a_tasks_module_fires_relative_ones_too(tmp_path):
    root = _tree(tmp_path, {"training/services/bookings.py": "from .. import tasks\n"})
    assert nothing_imports_tasks(root) == [
        'tasks are queued by name: dscp.dispatch.enqueue("<app>.tasks.<name>", ...): '
        "training/services/bookings.py:1 imports training.tasks"
    ]


def test_a_lower_layer_importing_a_higher_one_fires(tmp_path):
    root = _tree(
        tmp_path,
        {
            "training/tasks.py": "def send():\n    from training.views import manage\n",
            "training/models/__init__.py": "from ..services import book\n",
            "training/selectors/sessions.py": "from . import catalogue\n",
            "training/views.py": "from training import forms, services\n",
        },
    )
    assert layers_inside_an_app(root) == [
        "models sits below services: training/models/__init__.py:1 imports training.services",
        "tasks sits below views: training/tasks.py:2 imports training.views",
    ]


def test_a_long_module_fires_but_demo_content_may_be_long(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    root = _tree(tmp_path, {"training/views.py": long, "training/demo.py": long})
    assert modules_stay_short(root) == [
        f"modules stay under {MAX_LINES} lines: training/views.py has {MAX_LINES + 1}, "
        "split it by use-case"
    ]


def test_a_template_naming_an_app_above_fires(tmp_path):
    root = _tree(
        tmp_path,
        {
            "evaluations/templatetags/evaluations.py": "",
            "evaluations/templates/evaluations/report.html": "{% url 'training:course_list' %}",
            "pages/templates/pages/home.html": "{% url 'search:search' %}",
            "priorities/templates/priorities/page.html": (
                "{% load dscp humanize %}{% url 'privacy' %}\n"
                '{% include "priorities/_progress.html" %}\n'
                '{% include "evaluations/_impact.html" %}\n'
                "{% load dscp evaluations %}{% url 'training:course_list' %}\n"
            ),
        },
    )
    assert templates_follow_the_app_order(root) == [
        "evaluations is above priorities: priorities/templates/priorities/page.html:3 names "
        "evaluations",
        "evaluations is above priorities: priorities/templates/priorities/page.html:4 names "
        "evaluations",
        "search and pages are side by side in the app order: "
        "pages/templates/pages/home.html:1 names search",
        "training is above priorities: priorities/templates/priorities/page.html:4 names training",
    ]
