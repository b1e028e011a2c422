"""What search reads: each post's `search_text` and `tokens`.

A post is found by its words (``core.search.segment`` of its plain text; the opening post also
carries its thread's title and tags, so a thread is found through post #1) and filed under exact
tokens for filters: ``c<category> t<tag>… s<sector> r<city-region> k<knowledge stage> a<author>
l<language>``. Everything but the author and the language comes from the thread, so a change to
the thread re-tokens all its posts in one UPDATE. Deleted posts are in no index.
"""

import html
import re

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Concat, Replace
from django.utils.html import strip_tags

from core.search import segment
from forums.models import Post, Thread

_NOT_TOKEN = re.compile(r"[^a-z0-9]")


def plain_text(post_html: str) -> str:
    """The words of a rendered post, without its markup."""
    return html.unescape(strip_tags(post_html))


def language_token(language: str) -> str:
    return "l" + _NOT_TOKEN.sub("", language.lower())


def thread_tokens(thread: Thread) -> str:
    """The tokens every post of ``thread`` is filed under."""
    tokens = [f"c{thread.category_id}"]
    tokens += [f"t{pk}" for pk in sorted(tag.pk for tag in thread.tags.all())]
    for prefix, pk in (
        ("s", thread.sector_id),
        ("r", thread.city_region_id),
        ("k", thread.knowledge_stage_id),
    ):
        if pk is not None:
            tokens.append(f"{prefix}{pk}")
    return " ".join(tokens)


def post_tokens(post: Post, *, thread_part: str) -> str:
    tokens = [thread_part]
    if post.author_id is not None:
        tokens.append(f"a{post.author_id}")
    tokens.append(language_token(post.language))
    return " ".join(tokens)


def _opening_words(thread: Thread) -> str:
    return " ".join([thread.title, *(tag.name for tag in thread.tags.all())])


def index_post(post: Post) -> None:
    """Fill ``post``'s search text and tokens (empty while it is deleted or hidden, or its thread
    hidden) and save them."""
    if post.is_deleted or post.is_hidden or post.thread.hidden_at is not None:
        post.search_text = post.tokens = ""
    else:
        thread = post.thread
        words = plain_text(post.html)
        if post.is_opening:
            words = f"{_opening_words(thread)} {words}"
        post.search_text = segment(words)
        post.tokens = post_tokens(post, thread_part=thread_tokens(thread))
    Post.objects.filter(pk=post.pk).update(search_text=post.search_text, tokens=post.tokens)


def index_thread(thread: Thread) -> None:
    """After a change to the thread (title, tags, category, sector …): its own search text, its
    opening post's words, and the tokens of every post it holds, in one UPDATE."""
    if thread.hidden_at is not None:
        return
    thread.search_text = segment(_opening_words(thread))
    Thread.objects.filter(pk=thread.pk).update(search_text=thread.search_text)
    thread_part = thread_tokens(thread)
    Post.objects.filter(thread=thread, deleted_at__isnull=True, hidden_at__isnull=True).update(
        tokens=Concat(
            Value(thread_part),
            Case(
                When(author__isnull=True, then=Value("")),
                default=Concat(Value(" a"), Cast("author_id", CharField())),
                output_field=CharField(),
            ),
            Value(" l"),
            Replace(Replace(F("language"), Value("-"), Value("")), Value("_"), Value("")),
            output_field=CharField(),
        )
    )
    opening = Post.objects.filter(thread=thread, number=1).first()
    if opening is not None:
        opening.thread = thread
        index_post(opening)


def index_hidden_or_shown(thread: Thread) -> None:
    """After moderators hide a thread (search forgets it and all its posts) or show it again
    (each post is indexed anew: rare, and bounded by one thread)."""
    if thread.hidden_at is not None:
        Thread.objects.filter(pk=thread.pk).update(search_text="")
        Post.objects.filter(thread=thread).update(search_text="", tokens="")
        return
    index_thread(thread)
    for post in Post.objects.filter(thread=thread, number__gt=1).iterator():
        post.thread = thread
        index_post(post)
