"""Forum search: posts matching every word of a query, ranked, with highlighted snippets.

Why it stays fast at half a million posts: ranking costs time per matching row, and a common
word matches tens of thousands of posts. So a search ranks at most ``CANDIDATES`` matches, the
most recent ones (read from the recency index, or from the full-text index when the words are
rare), and pages through them by a keyset cursor on (score, id); older matches are reached by
narrowing the dates or the filters. Filters are tokens a post is filed under (``c<category>``,
``t<tag>``, ``s<sector>``, ``a<author>`` …, written by ``forums.indexing``), matched in the same
GIN index lookup; deleted posts and categories the viewer may not read never match.

The score is the text's relevance, plus one for an opening post whose thread's title holds the
words, so the thread about a thing comes before the posts that mention it.

Snippets are computed in Python for the rows of the page only: the post's plain text around the
first match, escaped, with the query's words (segmented as the index segments them, so Chinese
terms are found inside a sentence, and accents optional) in ``<mark>``.
"""

import html
import math
import re
import unicodedata
from contextlib import nullcontext
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import chinese, search
from core.pagination import Page, paginate
from forums.models import Category, Post, Thread

CANDIDATES = 100  # matches ranked per search: the most recent ones
SNIPPET_LENGTH = 240  # characters of text around the first match
SNIPPET_BEFORE = 60  # of which before it
SCANNED = 20_000  # characters of a post looked through for a match
WALK_ABOVE = 0.015  # share of posts from which a search walks the recency index
WINDOW_LIMIT = 20_000  # most recent posts such a search reads at most

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def search_posts(
    *,
    categories,
    query: str,
    category=None,
    tag=None,
    sector=None,
    author=None,
    since=None,
    until=None,
    cursor: str | None = None,
    size: int = 20,
) -> Page:
    """Posts (not deleted, in ``categories``: the ones the viewer may read) holding every word of
    ``query``, best first, each with ``snippet`` (safe HTML), ``title_html`` and its thread.

    ``category``, ``tag``, ``sector`` and ``author`` are model instances or ids; ``since`` and
    ``until`` dates (both days included) or datetimes. A query without words finds nothing."""
    terms = query_terms(query)
    every, readable, shares = _categories(categories)
    if category is not None:
        readable &= {_pk(category)}
    if not terms or not readable:
        return Page(items=[], next_cursor=None)
    matching = Post.objects.filter(deleted_at__isnull=True)
    if every - readable:
        # Row by row: a viewer reads nearly every category, and gathering all their posts from
        # the token index would cost more than the search.
        matching = search.without_tokens(matching, (f"c{pk}" for pk in every - readable))
    filters = (("t", tag), ("s", sector), ("a", author))
    groups = [[f"{prefix}{_pk(value)}"] for prefix, value in filters if value is not None]
    matching = search.with_tokens(matching, groups)
    before = _end(until) if until is not None else None
    if since is not None:
        matching = matching.filter(created_at__gte=_start(since))
    if before is not None:
        matching = matching.filter(created_at__lt=before)
    matching = search.search(matching, query)
    share = 0.0 if groups else share_of_posts(terms, using=matching.db)
    if category is not None:
        share *= shares.get(_pk(category), 0.0)
    common = share >= WALK_ABOVE
    if common:
        matching = _recent(matching, share, before).order_by("-created_at", "-pk")
    else:
        matching = _without_walking(matching)
    candidates = matching.values("pk")[:CANDIDATES]
    ranked = _scored(Post.objects.filter(pk__in=candidates), query).only("pk")
    scope = {
        "q": " ".join(terms),
        "categories": sorted(readable),
        **{
            name: value.isoformat() if isinstance(value, date) else _pk(value)
            for name, value in (
                ("tag", tag),
                ("sector", sector),
                ("author", author),
                ("since", since),
                ("until", until),
            )
            if value is not None
        },
    }
    # Common words: walk the recency index (a few thousand rows) rather than gather every match.
    with search.read_in_index_order(ranked.db) if common else nullcontext():
        page = paginate(ranked, order=("-score", "-pk"), cursor=cursor, size=size, scope=scope)
    return Page(items=_shown(page.items, terms), next_cursor=page.next_cursor)


def _shown(ranked: list, terms: list[str]) -> list[Post]:
    """The page's posts with their thread, category and author, snippets and highlighted
    titles: one query for the page's rows only."""
    posts = (
        Post.objects.select_related("thread__category", "author__profile")
        .defer("body", "search_text", "tokens", "thread__search_text")
        .in_bulk([post.pk for post in ranked])
    )
    shown = []
    for row in ranked:
        post = posts[row.pk]
        post.score = row.score
        post.snippet = snippet(plain_text(post.html), terms)
        post.title_html = highlight(post.thread.title, terms)
        shown.append(post)
    return shown


def query_terms(query: str) -> list[str]:
    """The words a query is searched by, as the index holds them (casefolded, Chinese
    segmented), accents left as typed; empty when it has none."""
    return search.segment(query or "").split()


def share_of_posts(terms: list[str], *, using: str) -> float:
    """Roughly which share of posts hold all these words, from PostgreSQL's statistics of the
    search vector (ANALYZE keeps its 1,000 most common words, each with its share; other words
    count as rare). A sub-word that jieba also gives (合作 of 合作伙伴) adds nothing, so it is
    left out: the planner, which multiplies shares, takes such a common word for a rare one."""
    shares = search.common_words(Post, using=using)
    if not shares:
        return 0.0
    words = {_fold(term) for term in terms}
    share = 1.0
    for word in words:
        if not any(word != other and word in other for other in words):
            share *= shares.get(word, 0.0)
    return share


def _recent(matching: QuerySet, share: float, before: datetime | None) -> QuerySet:
    """Matches among the posts recent enough (before ``before``) to hold about CANDIDATES of
    them (twice as many posts as the share says, to be safe): a range of the recency index the
    planner can size, where a full-text condition alone it cannot."""
    window = min(math.ceil(2 * CANDIDATES / share), WINDOW_LIMIT)
    posts = Post.objects.filter(created_at__lt=before) if before else Post.objects.all()
    oldest = list(
        posts.order_by("-created_at", "-pk").values_list("created_at", flat=True)[
            window - 1 : window
        ]
    )
    return matching.filter(created_at__gte=oldest[0]) if oldest else matching


def _without_walking(matching: QuerySet) -> QuerySet:
    """Most recent first, in an order no index gives: for rarer words PostgreSQL then gathers
    the matches from the full-text index and sorts them, rather than walk the recency index
    through tens of thousands of posts (its cost model takes the walk for cheaper than it is,
    since it does not count the full-text test of every row)."""
    if connections[matching.db].vendor != "postgresql":
        return matching.order_by("-created_at", "-pk")
    unindexed = ExpressionWrapper(F("created_at") + Value(timedelta(0)), DateTimeField())
    return matching.order_by(unindexed.desc(), "-pk")


def _scored(rows: QuerySet, query: str) -> QuerySet:
    """``score``: the text's rank, plus one for an opening post whose thread's title matches."""
    title_matches = search.search(Thread.objects.filter(pk=OuterRef("thread_id")), query)
    return (
        search.rank(rows, query)
        .alias(
            title_bonus=Case(
                When(Q(number=1) & Exists(title_matches), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        .annotate(score=F("search_rank") + F("title_bonus"))
    )


def _pk(value) -> int:
    return int(getattr(value, "pk", value))


def _categories(categories) -> tuple[set[int], set[int], dict[int, float]]:
    """Every category's id, those of ``categories`` (a queryset, instances or ids), and each
    one's share of the posts, in one query."""
    if isinstance(categories, QuerySet):
        listed = Exists(categories.filter(pk=OuterRef("pk")))
    else:
        listed = Q(pk__in=[_pk(category) for category in categories])
    rows = Category.objects.annotate(listed=ExpressionWrapper(listed, BooleanField()))
    rows = list(rows.values_list("pk", "listed", "post_count"))
    posts = sum(count for _pk_, _listed, count in rows) or 1
    return (
        {pk for pk, _listed, _count in rows},
        {pk for pk, listed, _count in rows if listed},
        {pk: count / posts for pk, _listed, count in rows},
    )


def _start(day) -> datetime:
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day) -> datetime | None:
    """The end of ``until`` (exclusive): the next day's start for a date (None after the last)."""
    if isinstance(day, datetime):
        return day
    if day >= date.max:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- Snippets -------------------------------------------------------------------------------------


def plain_text(post_html: str) -> str:
    """A post's words from its stored (sanitised) HTML, blocks separated by spaces."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", post_html))).strip()


def _fold_table() -> dict[int, str]:
    """Lowercase and without accents, one character for one, so positions in the folded text
    are positions in the text."""
    table = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char.lower())
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(bare) == 1 and bare != char:
            table[code] = bare
    return table


_FOLD = _fold_table()


def _fold(text: str) -> str:
    """Lowercase, without accents and Chinese in Simplified characters, as the index holds words;
    one character for one, so that positions in the folded text are positions in the text."""
    folded = text.translate(_FOLD)
    simplified = chinese.simplified(folded)
    return simplified if len(simplified) == len(folded) else folded


def _pattern(terms: list[str]) -> re.Pattern | None:
    """Whole words for letters and digits (as the index cuts them), any place for Chinese."""
    folded = sorted({_fold(term) for term in terms}, key=len, reverse=True)
    words = [re.escape(term) for term in folded if not re.search(f"[{_HAN}]", term)]
    han = [re.escape(term) for term in folded if re.search(f"[{_HAN}]", term)]
    parts = []
    if words:
        edge = rf"[^\W_{_HAN}]"
        parts.append(rf"(?<!{edge})(?:{'|'.join(words)})(?!{edge})")
    if han:
        parts.append("|".join(han))
    return re.compile("|".join(parts)) if parts else None


def _marked(text: str, matches: list[tuple[int, int]], start: int, end: int) -> str:
    pieces, position = [], start
    for begin, finish in matches:
        if finish <= start or begin >= end:
            continue
        begin, finish = max(begin, start), min(finish, end)
        pieces.append(escape(text[position:begin]))
        pieces.append(f"<mark>{escape(text[begin:finish])}</mark>")
        position = finish
    pieces.append(escape(text[position:end]))
    return "".join(pieces)


def _matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = _pattern(terms)
    if pattern is None:
        return []
    return [match.span() for match in pattern.finditer(_fold(text[:SCANNED]))]


def highlight(text: str, terms: list[str]) -> SafeString:
    """The whole of a short text (a title), escaped, its matches marked."""
    return mark_safe(_marked(text, _matches(text, terms), 0, len(text)))  # noqa: S308 - escaped


def snippet(text: str, terms: list[str]) -> SafeString:
    """About SNIPPET_LENGTH characters around the first match, escaped, matches marked."""
    matches = _matches(text, terms)
    start = 0
    if matches and matches[0][0] > SNIPPET_BEFORE:
        start = _word_start(text, matches[0][0] - SNIPPET_BEFORE)
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        end = _word_end(text, end)
    marked = _marked(text, matches, start, end)
    return mark_safe(  # noqa: S308 - every piece of text is escaped
        ("… " if start else "") + marked + (" …" if end < len(text) else "")
    )


def _word_start(text: str, position: int) -> int:
    """Move forward to the start of a word when a space is near (Chinese has none)."""
    space = text.find(" ", position, position + 20)
    return space + 1 if space != -1 else position


def _word_end(text: str, position: int) -> int:
    space = text.rfind(" ", position - 20, position)
    return space if space != -1 else position
