"""Keep the index in step with the content, once the content's transaction commits.

Content apps do not know about search: their saves (admin, services, demo)
send Django's model signals and this module notes the entries they touch.
The entries are refreshed together when the transaction commits, each once:
an admin save with inlines (an issue and its articles, a priority and its
next steps) touches one entry many times. Writes that skip signals
(``QuerySet.update``, raw SQL) are caught up by the nightly ``search_rebuild``
task.
"""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsletter.models import Article, GuidanceLink, Issue, Resource, Section
from priorities.models import (
    Achievement,
    Action,
    Document,
    LearningCycle,
    LearningPoint,
    Phase,
    Priority,
)
from search import services
from search.documents import SOURCES
from search.models import Entry
from training.models import Course, ExternalEvent, Session, Strand

K = Entry.Kind

# For each model: the entries a change to one row affects, as
# (kind, lookup on the kind's model, attribute of the changed row).
AFFECTS = {
    Issue: [
        (K.ARTICLE, "issue", "pk"),
        (K.RESOURCE, "article__issue", "pk"),
        (K.GUIDANCE, "article__issue", "pk"),
    ],
    Section: [(K.ARTICLE, "section", "pk")],
    Article: [
        (K.ARTICLE, "pk", "pk"),
        (K.RESOURCE, "article", "pk"),
        (K.GUIDANCE, "article", "pk"),
    ],
    Resource: [(K.RESOURCE, "pk", "pk")],
    GuidanceLink: [(K.GUIDANCE, "pk", "pk")],
    Priority: [(K.PRIORITY, "pk", "pk")],
    LearningCycle: [(K.PRIORITY, "pk", "priority_id")],
    Phase: [(K.PRIORITY, "learning_cycles", "cycle_id")],
    Achievement: [(K.PRIORITY, "pk", "priority_id")],
    LearningPoint: [(K.PRIORITY, "pk", "priority_id")],
    Action: [(K.PRIORITY, "pk", "priority_id")],
    Document: [(K.PRIORITY, "pk", "priority_id")],
    Course: [(K.COURSE, "pk", "pk")],
    Strand: [(K.COURSE, "pk", "course_id")],
    Session: [(K.COURSE, "pk", "course_id")],
    ExternalEvent: [(K.EVENT, "pk", "pk")],
}
# The models that are themselves a kind of entry.
OWN_KIND = {source.model: kind for kind, source in SOURCES.items()}


# Entries to refresh when this thread's transaction commits: {kind: {object ids}}.
_pending = threading.local()


def _note(kind: str, ids) -> None:
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = {}
    pending.setdefault(kind, set()).update(ids)
    # Registered on every change, not once: a callback registered inside a
    # savepoint that rolls back is dropped with it. The first to run refreshes
    # everything noted, the rest find nothing. Outside a transaction it runs now.
    # robust: the content is saved whatever happens here; a failed refresh is
    # logged, and the nightly rebuild catches up.
    transaction.on_commit(_refresh_pending, robust=True)


def _refresh_pending() -> None:
    pending, _pending.ids = getattr(_pending, "ids", None), None
    for kind, ids in (pending or {}).items():
        # Refreshing makes each entry match what is in the database now, so an id
        # noted in a savepoint that rolled back is refreshed harmlessly.
        services.entries_refresh(kind=kind, ids=sorted(ids))


def _refresh(instance) -> None:
    for kind, lookup, attribute in AFFECTS[type(instance)]:
        value = getattr(instance, attribute)
        if value is None:
            continue
        if lookup == "pk":
            _note(kind, [value])
            continue
        # Looked up now, while the rows that lead to the entries (an article's
        # issue) exist; a delete may remove them before the commit.
        model = SOURCES[kind].model
        _note(kind, model._default_manager.filter(**{lookup: value}).values_list("pk", flat=True))


def on_save(sender, instance, raw=False, **kwargs):
    # Fixtures load rows before what they point to; search_rebuild follows them.
    if not raw:
        _refresh(instance)


def on_delete(sender, instance, **kwargs):
    if sender in OWN_KIND:
        # Refreshing an id that no longer exists removes its entry.
        _note(OWN_KIND[sender], [instance.pk])
    else:
        _refresh(instance)


def on_roles_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Strand):
        _refresh(instance)


def connect() -> None:
    for model in AFFECTS:
        post_save.connect(on_save, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    m2m_changed.connect(on_roles_changed, sender=Strand.roles.through, dispatch_uid="search-roles")
