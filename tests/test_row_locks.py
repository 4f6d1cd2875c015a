"""A row lock taken across a join names what it locks, read from the source so it cannot drift back.

``select_for_update()`` without ``of=`` locks the rows of every table in the query,
so a ``select_related()`` locks the related rows too. Those are often rows everyone
shares (a mailing list, a course): two people saving at once then deadlock on them,
or queue behind each other, as preferences and unsubscribes did on the mailing lists.
So a queryset that is locked and follows a relation says which rows it means:
``select_for_update(of=("self",))``, or the related tables it intends to lock.

The rule follows a queryset along one expression and through the names it is
assigned to within a function (``rows = ...select_for_update(); rows.select_related()``).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", "migrations", ".git"}


def _chain(node: ast.AST) -> tuple[list[ast.Call], ast.AST]:
    """The method calls of ``a.b().c().d()`` outermost first, and what the chain starts from
    (``a.b`` itself when it is a manager reached from ``a``, which is then not the queryset)."""
    calls = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls, node


def _name(call: ast.Call) -> str:
    return call.func.attr


# What ends a chain with a row or a figure rather than a queryset: a name given one is no
# queryset to follow.
NOT_QUERYSETS = {"get", "first", "last", "get_or_create", "update_or_create", "count", "exists"}


def _unscoped_lock(calls: list[ast.Call]) -> bool:
    return any(
        _name(c) == "select_for_update" and not any(k.arg == "of" for k in c.keywords)
        for c in calls
    )


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Lines where a queryset locked without ``of=`` also follows a relation."""
    found = []
    for function in ast.walk(ast.parse(source, filename)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        locked_names: set[str] = set()
        # Statements in source order, so a name is tainted before it is used.
        nodes = sorted(
            (n for n in ast.walk(function) if hasattr(n, "lineno")),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for node in nodes:
            if not isinstance(node, ast.Call | ast.Assign):
                continue
            value = node.value if isinstance(node, ast.Assign) else node
            calls, start = _chain(value)
            locked = _unscoped_lock(calls) or (
                isinstance(start, ast.Name) and start.id in locked_names
            )
            if isinstance(node, ast.Assign):
                if locked and not (calls and _name(calls[0]) in NOT_QUERYSETS):
                    locked_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
                continue
            if locked and any(_name(c) == "select_related" for c in calls):
                found.append(f"{filename}:{node.lineno}")
    return sorted(set(found))


def _sources() -> list[Path]:
    return [
        path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts[:-1])
    ]


def test_the_rule_sees_a_join_locked_in_one_expression_or_through_a_name():
    source = """
def direct():
    return Booking.objects.select_for_update().select_related("session").get(pk=1)

def through_a_name(subscriber):
    rows = subscriber.subscriptions.select_for_update().filter(status="active")
    rows = rows.exclude(pk=2)
    return list(rows.select_related("mailing_list"))

def scoped(subscriber):
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    rows = subscriber.subscriptions.select_for_update(of=("self",))
    return list(rows.select_related("mailing_list"))

def no_join():
    return Send.objects.select_for_update().get(pk=1)
"""
    assert violations(source) == ["<source>:3", "<source>:8"]


def test_the_walk_finds_the_services_that_lock_rows():
    # So a walk that finds nothing cannot pass the rule below.
    locking = [p for p in _sources() if "select_for_update(" in p.read_text()]
    assert {p.relative_to(ROOT).parts[0] for p in locking} >= {"subscriptions", "training"}


def test_no_row_lock_across_a_join_locks_the_related_rows_unnamed():
    found = []
    for path in _sources():
        found += violations(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []
