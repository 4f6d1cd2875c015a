"""Writes to the search index: refresh the entries of changed content, or rebuild them all."""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from search import documents
from search.models import CONFIG, Entry

# Titles over summaries over bodies: ts_rank weighs A 1.0, B 0.4, C 0.2.
VECTOR = (
    SearchVector("title", weight="A", config=CONFIG)
    + SearchVector("summary", weight="B", config=CONFIG)
    + SearchVector("body", weight="C", config=CONFIG)
    + SearchVector("context", weight="C", config=CONFIG)
)
_FIELDS = ["title", "context", "summary", "body", "url", "date", "indexed_at"]


def _write(kind: str, entries: list[Entry]) -> None:
    # An upsert, so two saves of the same course at once cannot both insert it.
    Entry.objects.bulk_create(
        entries,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=_FIELDS,
    )
    if connection.vendor == "postgresql" and entries:
        rows = Entry.objects.filter(kind=kind)
        if len(entries) < 1000:
            rows = rows.filter(object_id__in=[e.object_id for e in entries])
        rows.update(search_vector=VECTOR)


@transaction.atomic
def entries_refresh(*, kind: str, ids: Iterable[int]) -> int:
    """Make the index match these objects of one kind: public ones written, the rest removed."""
    ids = list(ids)
    if not ids:
        return 0
    entries = documents.build(kind, ids)
    public = {e.object_id for e in entries}
    Entry.objects.filter(kind=kind, object_id__in=[i for i in ids if i not in public]).delete()
    _write(kind, entries)
    return len(entries)


@transaction.atomic
def index_rebuild() -> dict[str, int]:
    """Rebuild every entry from the content; readers see the old index until it commits."""
    counts = {}
    for kind in Entry.Kind:
        entries = documents.build(kind)
        Entry.objects.filter(kind=kind).delete()
        _write(kind, entries)
        counts[kind.label] = len(entries)
    return counts
