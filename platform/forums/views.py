"""The forums' pages: thin, through ``forums.access`` for every object, ``forums.selectors`` for
every list and ``forums.services`` for every change. Every action is a plain form POST that
redirects back (so nothing needs JavaScript); with htmx, the small toggles swap in place."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from core import markdown
from core.forms import show_service_error
from core.links import Links
from forums import access, forms, presenters, selectors, services
from forums.models import Post, Thread
from members import reference
from members.models import CityRegion, KnowledgeStage, Sector
from members.selectors import mentionable

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 20
PERIOD_LABELS = (
    ("week", _("This week")),
    ("month", _("This month")),
    ("year", _("This year")),
    ("all", _("All time")),
)


def _number(value, default: int = 0) -> int:
    """A page position from the query string; anything else reads as the start."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 <= number < 2**31 else default


# --- Lists --------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    categories = list(access.readable_categories(request.user))
    return render(
        request,
        "forums/index.html",
        {"groups": selectors.grouped_categories(categories), "has_any": bool(categories)},
    )


def _list_query(request: HttpRequest) -> dict:
    order = request.GET.get("order")
    period = request.GET.get("period")
    return {
        "order": order if order in selectors.ORDERS else "latest",
        "period": period if period in selectors.PERIODS else "all",
        "cursor": request.GET.get("cursor") or None,
    }


def _thread_list_page(request, template: str, *, category=None, tag=None, extra=None):
    query = _list_query(request)
    page = selectors.thread_rows(
        reader=access.reader(request.user),
        order=query["order"],
        category=category,
        tag=tag,
        period=query["period"],
        cursor=query["cursor"],
        size=THREADS_PER_PAGE,
    )
    more = None
    if page.next_cursor:
        kept = {"order": query["order"], "cursor": page.next_cursor}
        if query["order"] == "top":
            kept["period"] = query["period"]
        more = "?" + urlencode(kept)
    post_counts = {row["id"]: row["post_count"] for row in page.items}
    unread = selectors.unread_counts(member=request.user, post_counts=post_counts)
    rows = presenters.thread_list(
        page.items, more=more, unread=unread, hide_category=category is not None
    )
    context = {
        "rows": rows,
        "order": query["order"],
        "period": query["period"],
        "periods": PERIOD_LABELS,
        "category": category,
        "tag": tag,
        **(extra or {}),
    }
    return render(request, template, context, using="jinja2")


@require_safe
def latest(request: HttpRequest) -> HttpResponse:
    return _thread_list_page(request, "forums/thread_list.jinja")


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = access.access_category(request.user, slug)
    return _thread_list_page(
        request,
        "forums/category.jinja",
        category=category,
        extra={
            "follows": selectors.follows_category(member=request.user, category=category),
            "follow_url": reverse("forums:follow_category", args=[category.slug]),
        },
    )


@require_safe
def tag(request: HttpRequest, tag: str) -> HttpResponse:
    found = selectors.tag_named(tag)
    if found is None:
        raise Http404
    return _thread_list_page(request, "forums/tag.jinja", tag=found)


@login_required
@require_safe
def unread(request: HttpRequest) -> HttpResponse:
    page = selectors.unread_threads(
        member=request.user,
        reader=access.reader(request.user),
        cursor=request.GET.get("cursor") or None,
        size=THREADS_PER_PAGE,
    )
    more = "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else None
    unread = {row["id"]: row["unread"] for row in page.items}
    rows = presenters.thread_list(page.items, more=more, unread=unread)
    return render(request, "forums/unread.jinja", {"rows": rows}, using="jinja2")


@login_required
@require_safe
def bookmark_list(request: HttpRequest) -> HttpResponse:
    page = selectors.bookmarks(
        member=request.user,
        categories=access.readable_categories(request.user),
        cursor=request.GET.get("cursor") or None,
        size=THREADS_PER_PAGE,
    )
    marks = page.items
    for mark in marks:
        mark.url = mark.post.get_absolute_url()
    return render(
        request,
        "forums/bookmarks.html",
        {
            "marks": marks,
            "more": "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else None,
        },
    )


# --- A thread -----------------------------------------------------------------------------------


def _facts(thread: Thread) -> list[tuple[str, str]]:
    """The thread's sector, city-region and knowledge stage by name, from the cached reference
    data (no query), and its language, each after its label."""
    facts = []
    for label, model, pk in (
        (Sector._meta.verbose_name, Sector, thread.sector_id),
        (CityRegion._meta.verbose_name, CityRegion, thread.city_region_id),
        (KnowledgeStage._meta.verbose_name, KnowledgeStage, thread.knowledge_stage_id),
    ):
        if pk is not None:
            name = next((row["name"] for row in reference.rows(model) if row["pk"] == pk), None)
            if name:
                facts.append((capfirst(label), name))
    if thread.language:
        label = Thread._meta.get_field("language").verbose_name
        facts.append((capfirst(label), thread.get_language_display()))
    return facts


@require_safe
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access.access_thread(request.user, thread_id)
    user = request.user
    after = min(_number(request.GET.get("after")), max(thread.post_count - 1, 0))
    page = selectors.thread_page(thread=thread, viewer=user, after=after, size=POSTS_PER_PAGE)
    may_reply = access.may_reply(user, thread)
    if user.is_authenticated and page.posts:
        services.mark_read(member=user, thread=thread, up_to=page.last_number)
    links = Links()
    return render(
        request,
        "forums/thread.jinja",
        {
            "thread": thread,
            "thread_url": links("forums:thread", thread.pk),
            "category_url": links("forums:category", thread.category.slug),
            "tags": presenters.tag_links(thread),
            "facts": _facts(thread),
            "replies": presenters.reply_count(thread),
            "page": page,
            "posts": presenters.thread_posts(
                page, thread=thread, request=request, may_reply=may_reply
            ),
            "follows": page.follows,
            "follow_url": links("forums:follow_thread", thread.pk),
            "form": forms.ReplyForm(thread=thread) if may_reply and not page.next_after else None,
        },
        using="jinja2",
    )


@require_safe
def thread_unread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access.access_thread(request.user, thread_id)
    number = selectors.first_unread(member=request.user, thread=thread)
    url = reverse("forums:thread", args=[thread.pk])
    if number > 1:
        url += f"?after={number - 1}"
    return redirect(f"{url}#post-{number}")


@require_safe
def post_in_place(request: HttpRequest, post_id: int) -> HttpResponse:
    return redirect(access.access_post(request.user, post_id))


# --- Writing ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_thread(request: HttpRequest) -> HttpResponse:
    """``?category=<slug>`` starts in that category (and says so); the form lists the others."""
    category = None
    if request.GET.get("category"):
        category = access.access_category(request.user, request.GET["category"], for_write=True)
    initial = {"category": category.pk} if category else None
    form = forms.ThreadForm(request.POST or None, author=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return redirect("forums:thread", thread_id=thread.pk)
    return render(request, "forums/new_thread.html", {"form": form, "category": category})


def _quote(post: Post) -> str:
    lines = post.body.strip().splitlines() or [""]
    return "\n".join(f"> {line}" if line else ">" for line in lines) + "\n\n"


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    """The reply page: for those without JavaScript, or who quote a post (``?quote=<post id>``)."""
    thread = access.access_thread(request.user, thread_id, for_write=True)
    if request.method == "POST":
        form = forms.ReplyForm(request.POST, thread=thread)
        if form.is_valid():
            try:
                post = services.post_reply(author=request.user, thread=thread, **form.cleaned_data)
            except ValidationError as error:
                show_service_error(form, error)
            else:
                return redirect(post)
    else:
        initial = None
        if request.GET.get("quote"):
            quoted = access.access_post(request.user, request.GET["quote"])
            if quoted.thread_id != thread.pk or quoted.is_deleted:
                raise Http404
            initial = {"body": _quote(quoted), "reply_to": quoted.pk}
        form = forms.ReplyForm(initial=initial, thread=thread)
    return render(request, "forums/reply.html", {"thread": thread, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id, for_write=True)
    form = forms.EditPostForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                editor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title") if post.is_opening else None,
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return redirect(post)
    return render(request, "forums/edit_post.html", {"post": post, "form": form})


@require_safe
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id)
    if post.is_deleted:
        raise Http404
    return render(
        request,
        "forums/post_history.html",
        {"post": post, "revisions": selectors.revisions(post), "url": post.get_absolute_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id)
    if not access.may_delete(request.user, post):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_post(member=request.user, post=post)
        return redirect(post)
    return render(
        request, "forums/delete_post.html", {"post": post, "url": post.get_absolute_url()}
    )


# --- Toggles ------------------------------------------------------------------------------------


def _wants(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in ("1", "true", "on")


def _refused(request: HttpRequest, error: ValidationError, url: str) -> HttpResponse:
    """A toggle the service refused (a post deleted meanwhile …): back to the page, saying why."""
    messages.error(request, " ".join(error.messages))
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _toggle(request: HttpRequest, template: str, post: Post) -> HttpResponse:
    """A helpful or bookmark button alone, as htmx swaps it in after a click."""
    return render(request, template, {"post": post, "links": Links()}, using="jinja2")


@login_required
@require_POST
def helpful(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id)
    try:
        post = services.set_helpful(
            member=request.user, post=post, helpful=_wants(request, "helpful")
        )
    except ValidationError as error:
        return _refused(request, error, post.get_absolute_url())
    if request.htmx:
        post.is_helpful = _wants(request, "helpful")
        return _toggle(request, "forums/_helpful.jinja", post)
    return redirect(post)


@login_required
@require_POST
def bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id)
    wanted = _wants(request, "bookmarked")
    services.set_bookmark(member=request.user, post=post, bookmarked=wanted)
    if request.htmx:
        post.is_bookmarked = wanted
        return _toggle(request, "forums/_bookmark.jinja", post)
    return redirect(post)


@login_required
@require_POST
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(request.user, post_id)
    if not access.may_accept(request.user, post.thread):
        raise PermissionDenied
    if _wants(request, "accepted"):
        try:
            services.accept_answer(actor=request.user, post=post)
        except ValidationError as error:
            return _refused(request, error, post.get_absolute_url())
        return redirect("forums:thread", thread_id=post.thread_id)
    services.clear_accepted_answer(actor=request.user, thread=post.thread)
    return redirect(post)


@login_required
@require_POST
def follow_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access.access_thread(request.user, thread_id)
    wanted = _wants(request, "follow")
    services.follow_thread(member=request.user, thread=thread, follow=wanted)
    if request.htmx:
        return _follow_toggle(request, follows=wanted)
    return redirect("forums:thread", thread_id=thread.pk)


@login_required
@require_POST
def follow_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = access.access_category(request.user, slug)
    wanted = _wants(request, "follow")
    services.follow_category(member=request.user, category=category, follow=wanted)
    if request.htmx:
        return _follow_toggle(request, follows=wanted)
    return redirect("forums:category", slug=category.slug)


def _follow_toggle(request: HttpRequest, *, follows: bool) -> HttpResponse:
    """The follow button again, for htmx to swap in: it posts to where this answer comes from
    (written as ``reverse`` writes it, a Chinese slug percent-encoded)."""
    context = {"follow_url": escape_uri_path(request.path), "follows": follows}
    return render(request, "forums/_follow.jinja", context, using="jinja2")


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown of a post being written, as it will read (for htmx; plain HTML otherwise)."""
    body = request.POST.get("body", "")[:30_000].replace("\x00", "")
    rendered = markdown.render_post(body, mentions=mentionable)
    return render(request, "forums/_preview.html", {"html": rendered.html})
