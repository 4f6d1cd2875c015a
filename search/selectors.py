"""The site search: PostgreSQL full-text search over the index, or a simple match on SQLite.

Every results page runs the same few queries however many hits there are:
counts by kind, the page of entries (ranked and highlighted in the database),
and, when the page holds courses, their next sessions.
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
    return _simple_search(query, kind, page_number)


def _counts(matches: QuerySet) -> list[KindCount]:
    rows = dict(matches.order_by().values_list("kind").annotate(n=Count("pk")))
    return [KindCount(k, k.label, rows[k]) for k in Entry.Kind if rows.get(k)]


def _results(
    matches: QuerySet, kinds: list[KindCount], kind: str, page_number, *, hit, similar=False
):
    count = sum(k.count for k in kinds if not kind or k.kind == kind)
    if kind:
        matches = matches.filter(kind=kind)
    page = _CountedPaginator(matches, PER_PAGE, count=count).get_page(page_number)
    entries = list(page.object_list)
    course_ids = [e.object_id for e in entries if e.kind == Entry.Kind.COURSE]
    sessions = training_selectors.next_sessions(course_ids=course_ids) if course_ids else {}
    page.object_list = [
        hit(e, sessions.get(e.object_id) if e.kind == Entry.Kind.COURSE else None) for e in entries
    ]
    return Results(page=page, total=sum(k.count for k in kinds), kinds=kinds, similar=similar)


# PostgreSQL


def _postgres_search(query: str, kind: str, page_number) -> Results:
    tsquery = SearchQuery(query, search_type="websearch", config=CONFIG)
    matches = Entry.objects.filter(search_vector=tsquery)
    kinds = _counts(matches)
    if kinds:
        ranked = matches.annotate(rank=SearchRank(F("search_vector"), tsquery)).order_by(
            "-rank", F("date").desc(nulls_last=True), "-pk"
        )
        return _results(_highlighted(ranked, tsquery), kinds, kind, page_number, hit=_pg_hit)
    similar = _similar_titles(query)
    if similar is None:
        return _results(matches, kinds, kind, page_number, hit=_pg_hit)
    return _results(similar, _counts(similar), kind, page_number, hit=_pg_hit, similar=True)


def _highlighted(entries: QuerySet, tsquery) -> QuerySet:
    marks = {"config": CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
    return entries.defer("summary", "body", "search_vector").annotate(
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


def _similar_titles(query: str) -> QuerySet | None:
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
    return Hit(
        kind=entry.kind,
        kind_label=entry.get_kind_display(),
        title=marked(getattr(entry, "title_marked", entry.title)),
        context=entry.context,
        snippet=marked(getattr(entry, "snippet_marked", None) or entry.summary),
        url=entry.url,
        next_session=next_session,
    )


# SQLite (make run): every word somewhere in the entry; more of them in the title first.


def _simple_search(query: str, kind: str, page_number) -> Results:
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
        return Hit(
            kind=entry.kind,
            kind_label=entry.get_kind_display(),
            title=marked(_mark(pattern, entry.title)),
            context=entry.context,
            snippet=marked(_mark(pattern, snippet)),
            url=entry.url,
            next_session=next_session,
        )

    return _results(matches, _counts(matches), kind, page_number, hit=hit)


def _mark(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
