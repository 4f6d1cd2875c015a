"""The site search: PostgreSQL full-text search over the index, or a simple match on SQLite.

Every results page runs the same few queries however many hits there are. On
PostgreSQL: the counts by kind with the page's ids (RANKED_IDS), the page's
entries highlighted, and, when the page holds courses, their next sessions; a
query that matches nothing tries titles spelled like it instead.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.models import CONFIG, Entry
from training import selectors as training_selectors

PER_PAGE = 20
# Private-use characters, never stored (documents.clean_text removes them), mark
# highlighted words; the text is escaped around them and they become <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: SafeString
    context: str
    snippet: SafeString
    url: str
    next_session: object = None  # a training Session with places_left, for courses


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class Results:
    page: Page
    total: int
    kinds: list[KindCount]
    # No exact matches, so these are titles that look like what was typed.
    similar: bool = False


class _CountedPaginator(Paginator):
    """A paginator told its count, already known from the counts by kind."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def marked(text: str) -> SafeString:
    """Escape the text, then turn the highlight markers into <mark> elements."""
    escaped = escape(text.replace(MARK_END, MARK_START))
    parts = escaped.split(MARK_START)
    # Markers come in pairs, so every odd part was highlighted.
    return mark_safe(  # noqa: S308 - every part was escaped above
        "".join(f"<mark>{p}</mark>" if i % 2 and p else p for i, p in enumerate(parts))
    )


def search(*, query: str, kind: str = "", page_number=None) -> Results:
    """One page of public entries matching the query, best first, newer first among equals."""
    if connection.vendor == "postgresql":
        return _postgres_search(query, kind, page_number)
    return simple_search(query=query, kind=kind, page_number=page_number)


def _counts(matches: QuerySet) -> list[KindCount]:
    return _kind_counts(dict(matches.order_by().values_list("kind").annotate(n=Count("pk"))))


def _kind_counts(counts: dict[str, int]) -> list[KindCount]:
    """The kinds that have matches, in the index's order of kinds, from {kind: count}."""
    return [KindCount(k, k.label, counts[k]) for k in Entry.Kind if counts.get(k)]


def _hit(entry: Entry, next_session, *, title: str, snippet: str) -> Hit:
    """A result; ``title`` and ``snippet`` hold the highlight markers, made <mark> here."""
    return Hit(
        kind=entry.kind,
        kind_label=entry.get_kind_display(),
        title=marked(title),
        context=entry.context,
        snippet=marked(snippet),
        url=entry.url,
        next_session=next_session,
    )


def _results(
    matches: QuerySet, kinds: list[KindCount], kind: str, page_number, *, hit, similar=False
):
    if kind:
        matches = matches.filter(kind=kind)
    page = _CountedPaginator(matches, PER_PAGE, count=_count(kinds, kind)).get_page(page_number)
    page.object_list = _hits(list(page.object_list), hit)
    return Results(page=page, total=_count(kinds, ""), kinds=kinds, similar=similar)


def _hits(entries: list[Entry], hit) -> list[Hit]:
    """Entries as results; courses get their next session, all in one query."""
    course_ids = [e.object_id for e in entries if e.kind == Entry.Kind.COURSE]
    sessions = training_selectors.next_sessions(course_ids=course_ids) if course_ids else {}
    return [
        hit(e, sessions.get(e.object_id) if e.kind == Entry.Kind.COURSE else None) for e in entries
    ]


# PostgreSQL


# One scan of the matches gives both the counts by kind and the page's ids: a
# common word matches most of the index, and a second scan for the counts would
# cost as much again. The CTE is materialised so it holds only narrow rows
# (id, kind, date, rank), never the vectors.
RANKED_IDS = """
WITH matches AS MATERIALIZED (
    SELECT id, kind, date,
           ts_rank(search_vector, websearch_to_tsquery(%(config)s::regconfig, %(query)s)) AS rank
    FROM search_entry
    WHERE search_vector @@ websearch_to_tsquery(%(config)s::regconfig, %(query)s)
)
SELECT
    (SELECT coalesce(json_object_agg(kind, n), '{}'::json)
     FROM (SELECT kind, count(*) AS n FROM matches GROUP BY kind) AS counts),
    array(SELECT id FROM matches
          WHERE %(kind)s = '' OR kind = %(kind)s
          ORDER BY rank DESC, date DESC NULLS LAST, id DESC
          LIMIT %(limit)s OFFSET %(offset)s)
"""


def ranked_ids_params(*, query: str, kind: str, number: int) -> dict:
    return {
        "config": CONFIG,
        "query": query,
        "kind": kind,
        "limit": PER_PAGE,
        "offset": (number - 1) * PER_PAGE,
    }


def _ranked_ids(query: str, kind: str, number: int) -> tuple[list[KindCount], list[int]]:
    """The counts by kind of every match, and the ids on page ``number``, best first."""
    with connection.cursor() as cursor:
        cursor.execute(RANKED_IDS, ranked_ids_params(query=query, kind=kind, number=number))
        counts, ids = cursor.fetchone()
    return _kind_counts(counts), ids


def _postgres_search(query: str, kind: str, page_number) -> Results:
    number = _page_number(page_number)
    kinds, ids = _ranked_ids(query, kind, number)
    if not kinds:
        similar = similar_titles(query)
        if similar is None:
            return _results(Entry.objects.none(), [], kind, page_number, hit=_pg_hit)
        return _results(similar, _counts(similar), kind, page_number, hit=_pg_hit, similar=True)
    paginator = _CountedPaginator([], PER_PAGE, count=_count(kinds, kind))
    if number > paginator.num_pages:
        # Past the last page: show the last one, as Paginator.get_page does.
        number = paginator.num_pages
        _, ids = _ranked_ids(query, kind, number)
    by_id = {e.pk: e for e in ranked(web_query(query)).filter(pk__in=ids)} if ids else {}
    entries = [by_id[pk] for pk in ids if pk in by_id]
    page = Page(_hits(entries, _pg_hit), number, paginator)
    return Results(page=page, total=_count(kinds, ""), kinds=kinds)


def _page_number(value) -> int:
    """The page asked for, 1 if it is not a number; beyond the last, the last is shown."""
    try:
        # Capped so the OFFSET stays a bigint whatever the URL says.
        return min(max(1, int(value)), 1_000_000)
    except (TypeError, ValueError):
        return 1


def _count(kinds: list[KindCount], kind: str) -> int:
    return sum(k.count for k in kinds if not kind or k.kind == kind)


def web_query(query: str) -> SearchQuery:
    """The query as websearch_to_tsquery reads it: quotes, or, -word; never a syntax error."""
    return SearchQuery(query, search_type="websearch", config=CONFIG)


def ranked(tsquery: SearchQuery) -> QuerySet:
    """Matching entries best first (ts_rank, then newer), with highlighted title and snippet.

    The results page takes only the page's ids from here (RANKED_IDS finds them),
    so ts_headline, which is costly, runs on those rows alone.
    """
    marks = {"config": CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
    return (
        Entry.objects.filter(search_vector=tsquery)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", F("date").desc(nulls_last=True), "-pk")
        .defer("summary", "body", "search_vector")
        .annotate(
            title_marked=SearchHeadline("title", tsquery, highlight_all=True, **marks),
            snippet_marked=SearchHeadline(
                Concat("summary", Value(" "), "body", output_field=TextField()),
                tsquery,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
    )


def similar_titles(query: str) -> QuerySet | None:
    """Entries whose title has a word like one typed ("safegaurding"), or None to not guess.

    Only when the query found nothing, had real words (not only stop words) and
    excluded none: guessing would bring back what "-word" asked to leave out.
    """
    text = " ".join(_WORD.findall(query))
    if len(text) < 3 or re.search(r"(^|\s)-\w", query) or not _prepare_similarity(query):
        return None
    # %> is word_similarity(text, title) >= pg_trgm.word_similarity_threshold,
    # answered from the trigram index on title.
    return (
        Entry.objects.filter(TrigramWordSimilar(F("title"), Value(text)))
        .annotate(similarity=TrigramWordSimilarity(text, "title"))
        .order_by("-similarity", F("date").desc(nulls_last=True), "-pk")
        .defer("body", "search_vector")
    )


# pg_trgm's default (0.6) misses a swapped pair of letters in a long word
# ("safegaurding" scores 0.53 against "Safeguarding Week"); 0.5 still leaves
# out titles that merely share a few letters.
SIMILARITY_THRESHOLD = 0.5


def _prepare_similarity(query: str) -> bool:
    """Set this connection's similarity threshold; False if the query is only stop words."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false),"
            " numnode(websearch_to_tsquery(%s::regconfig, %s))",
            [str(SIMILARITY_THRESHOLD), CONFIG, query],
        )
        return cursor.fetchone()[1] > 0


def _pg_hit(entry: Entry, next_session) -> Hit:
    return _hit(
        entry,
        next_session,
        title=getattr(entry, "title_marked", entry.title),
        snippet=getattr(entry, "snippet_marked", None) or entry.summary,
    )


# SQLite (make run)


def simple_search(*, query: str, kind: str = "", page_number=None) -> Results:
    """What ``search`` does on SQLite (make run): every word somewhere, title matches first."""
    words = _WORD.findall(query)[:10]
    if not words:
        return _results(Entry.objects.none(), [], kind, page_number, hit=None)
    condition = Q()
    for word in words:
        condition &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(context__icontains=word)
        )
    in_title = sum(
        (Case(When(title__icontains=word, then=1), default=0) for word in words), Value(0)
    )
    matches = (
        Entry.objects.filter(condition)
        .annotate(in_title=in_title)
        .order_by("-in_title", F("date").desc(nulls_last=True), "-pk")
    )
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)

    def hit(entry: Entry, next_session) -> Hit:
        snippet = entry.summary or entry.body[:300]
        return _hit(
            entry,
            next_session,
            title=_mark(pattern, entry.title),
            snippet=_mark(pattern, snippet),
        )

    return _results(matches, _counts(matches), kind, page_number, hit=hit)


def _mark(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
