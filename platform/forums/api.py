"""The forums API: thin views over the same access, selector, search and service functions as the
pages. Every object comes through ``forums.access`` (404 when the caller may not know it exists,
403 when they may see it but not change it); every change goes through ``forums.services``, whose
ValidationErrors become 400s naming the field at fault.

Trust levels: a member past their daily allowance, posting again too soon, or putting more links,
mentions or images in a post than their level allows gets the same 400 the page shows as a form
error, with its reason and code (``daily_limit``, ``too_fast``, ``too_many_links`` …): these are
rules about what a member posts, told to them like any other. 429 stays what it is in the members
API, DRF's throttle on the rate of requests, whatever they are."""

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions, status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    documents_errors_of,
    id_parameter,
    page_data,
    path_id,
    path_text,
    read_query,
    service_errors,
)
from forums import access, search, selectors, serializers, services
from forums.models import Bookmark, CategoryFollow, Post, Reaction
from members.access import may_see_profile
from members.models import Profile, Sector

TAGS = ["forums"]
POSTS_PER_PAGE = 20
NO_CONTENT = {204: OpenApiResponse(description="Done; also when it already was so.")}
# What services refuse for reasons a JSON schema cannot state (a length weighed across scripts,
# trust levels), by field, so that the schema lists every code an answer may hold.
TEXT_CODES = ["min_length", "max_length", "null"]
TRUST_CODES = ["daily_limit", "too_fast", "too_many_links", "too_many_mentions", "no_images"]
EDIT_TRUST_CODES = TRUST_CODES[2:]  # an edit is not a new post: no daily or pause limit


def service_error_codes(methods: list[str], **codes_by_field: list[str]):
    def decorate(view):
        for field, codes in codes_by_field.items():
            view = extend_validation_errors(codes, field_name=field, methods=methods)(view)
        return view

    return decorate


# --- What the caller sees of others ---------------------------------------------------------------


def post_context(request, posts, page=None) -> dict:
    """What posts need beyond themselves: whose handles to show and what the caller marked
    helpful or bookmarked, read for all of them at once (a thread page brings its own)."""
    if page is not None:
        return {
            "request": request,
            "visible_authors": page.profiles,
            "helpful_posts": page.helpful,
            "bookmarked_posts": page.bookmarked,
        }
    viewer = request.user
    context = {
        "request": request,
        "visible_authors": selectors.viewable_profiles(viewer, [post.author for post in posts]),
    }
    if viewer.is_authenticated and posts:
        ids = [post.pk for post in posts]
        context["helpful_posts"] = set(
            Reaction.objects.filter(
                member=viewer, post__in=ids, kind=Reaction.Kind.HELPFUL
            ).values_list("post_id", flat=True)
        )
        context["bookmarked_posts"] = set(
            Bookmark.objects.filter(member=viewer, post__in=ids).values_list("post_id", flat=True)
        )
    return context


def post_response(request, post, *, status_code=status.HTTP_200_OK) -> Response:
    data = serializers.PostSerializer(post, context=post_context(request, [post])).data
    return Response(data, status=status_code)


def opening_page(request, thread):
    return selectors.thread_page(thread=thread, viewer=request.user, after=0, size=1)


def thread_response(request, thread, *, status_code=status.HTTP_200_OK) -> Response:
    page = opening_page(request, thread)
    opening = page.posts[0]
    if opening.author_id == thread.author_id:
        thread.author = opening.author  # read with its profile already, with post 1
    context = post_context(request, page.posts, page)
    context["opening_post"] = opening
    context["following"] = page.follows
    data = serializers.ThreadDetailSerializer(thread, context=context).data
    return Response(data, status=status_code)


def _with_authors(items: list) -> list:
    """Lists show each author's handle, which lives on their profile: read in one query."""
    prefetch_related_objects(items, "author__profile")
    return items


# --- Categories -----------------------------------------------------------------------------------


class CategoryList(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_forum_categories_list",
        summary="Forum categories",
        description="The categories the caller may read, in their order, named and described in "
        "the request's language. Not paginated.",
        responses=serializers.CategorySerializer(many=True),
    )
    def get(self, request):
        categories = list(access.readable_categories(request.user).select_related("sector"))
        followed = set()
        if request.user.is_authenticated:
            followed = set(
                CategoryFollow.objects.filter(member=request.user).values_list(
                    "category_id", flat=True
                )
            )
        context = {"request": request, "followed_categories": followed}
        return Response(serializers.CategorySerializer(categories, many=True, context=context).data)


class CategoryDetail(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A forum category",
        description="404 when the caller may not read it.",
        responses=serializers.CategorySerializer,
    )
    def get(self, request, category_slug: str):
        category = access.access_category(request.user, path_text(category_slug))
        following = selectors.follows_category(member=request.user, category=category)
        followed = {category.pk} if following else set()
        context = {"request": request, "followed_categories": followed}
        return Response(serializers.CategorySerializer(category, context=context).data)


# PUT turns something on for the caller, DELETE turns it off again; both are idempotent and answer
# 204. A subclass says what with ``switch``. (A comment: drf-spectacular would publish a docstring.)
class _Switch(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def put(self, request, **path):
        return self._set(request, True, **path)

    def delete(self, request, **path):
        return self._set(request, False, **path)

    def _set(self, request, on: bool, **path) -> Response:
        with service_errors():
            self.switch(request.user, on, **path)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def switch(self, member, on: bool, **path) -> None:
        raise NotImplementedError


@extend_schema_view(
    put=extend_schema(
        tags=TAGS,
        summary="Follow a category",
        description="New threads in it are notified to the caller.",
        request=None,
        responses=NO_CONTENT,
    ),
    delete=extend_schema(tags=TAGS, summary="Stop following a category", responses=NO_CONTENT),
)
class CategoryFollowView(_Switch):
    def switch(self, member, on: bool, category_slug: str) -> None:
        category = access.access_category(member, path_text(category_slug))
        services.follow_category(member=member, category=category, follow=on)


# --- Threads --------------------------------------------------------------------------------------


@documents_errors_of(serializers.ThreadQuerySerializer, methods=["get"])
@documents_errors_of(serializers.StartThreadSerializer, methods=["post"])
@service_error_codes(
    ["post"],
    title=TEXT_CODES,
    body=TEXT_CODES + TRUST_CODES,
    tags=["max_tags", "max_length", "null"],
)
class ThreadList(APIView):
    serializer_class = serializers.StartThreadSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="v1_forum_threads_list",
        summary="Forum threads",
        description="Threads of the categories the caller may read, 30 a page: follow `next` "
        "(it keeps the filters) until it is null. An unknown or unreadable category matches "
        "nothing.",
        parameters=[serializers.ThreadQuerySerializer],
        responses=serializers.ThreadPageSerializer,
    )
    def get(self, request):
        query = read_query(serializers.ThreadQuerySerializer, request.query_params)
        categories = access.readable_categories(request.user)
        category = tag = None
        if query.get("category"):
            category = categories.filter(slug=query["category"]).first()
        if query.get("tag"):
            tag = selectors.tag_named(query["tag"])
        if (query.get("category") and category is None) or (query.get("tag") and tag is None):
            return Response({"results": [], "next": None})
        page = selectors.thread_list(
            categories=categories,
            order=query.get("order") or "latest",
            category=category,
            tag=tag,
            period=query.get("period") or None,
            cursor=query.get("cursor") or None,
        )
        threads = _with_authors(page.items)
        context = {
            "request": request,
            "visible_authors": selectors.viewable_profiles(
                request.user, [thread.author for thread in threads if thread.author]
            ),
        }
        results = serializers.ThreadSerializer(threads, many=True, context=context).data
        return Response(page_data(request, results, page.next_cursor))

    @extend_schema(
        tags=TAGS,
        summary="Start a thread",
        description="Signed-in members, in a category they may post in (403 otherwise). "
        "Reference data is written as keys (slugs). Trust levels apply: a 400 says which "
        "limit was reached, on `body` (" + ", ".join(f"`{code}`" for code in TRUST_CODES) + ").",
        request=serializers.StartThreadSerializer,
        responses={201: serializers.ThreadDetailSerializer},
    )
    def post(self, request):
        fields = serializers.StartThreadSerializer(data=request.data, context={"request": request})
        fields.is_valid(raise_exception=True)
        with service_errors():
            thread = services.start_thread(author=request.user, **fields.validated_data)
        thread = access.access_thread(request.user, thread.pk)
        return thread_response(request, thread, status_code=status.HTTP_201_CREATED)


@service_error_codes(["patch"], title=TEXT_CODES, body=TEXT_CODES + EDIT_TRUST_CODES)
class ThreadDetail(APIView):
    serializer_class = serializers.EditThreadSerializer

    @extend_schema(
        tags=TAGS,
        summary="A thread",
        description="With its opening post and the id of its accepted answer. 404 when the "
        "caller may not read it.",
        parameters=[id_parameter("thread_id")],
        responses=serializers.ThreadDetailSerializer,
    )
    def get(self, request, thread_id: str):
        return thread_response(request, access.access_thread(request.user, path_id(thread_id)))

    @extend_schema(
        tags=TAGS,
        summary="Change a thread's title or opening post",
        description="Its author, within the edit window, or staff; 403 for others and once the "
        "window has passed. The earlier version is kept in the post's history.",
        parameters=[id_parameter("thread_id")],
        request=serializers.EditThreadSerializer,
        responses=serializers.ThreadDetailSerializer,
    )
    def patch(self, request, thread_id: str):
        thread = access.access_thread(request.user, path_id(thread_id))
        opening = opening_page(request, thread).posts[0]
        post = access.access_post(request.user, opening.pk, for_write=True)
        changes = serializers.EditThreadSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with service_errors():
            services.edit_post(
                editor=request.user,
                post=post,
                body=changes.validated_data.get("body", post.body),
                title=changes.validated_data.get("title"),
            )
        return thread_response(request, access.access_thread(request.user, thread.pk))


@documents_errors_of(serializers.PostQuerySerializer, methods=["get"])
@service_error_codes(["post"], body=TEXT_CODES + TRUST_CODES, reply_to=["invalid"])
class ThreadPosts(APIView):
    serializer_class = serializers.ReplySerializer

    @extend_schema(
        tags=TAGS,
        operation_id="v1_forum_threads_posts_list",
        summary="A thread's posts",
        description="In order, 20 a page, from the opening post or after `after` (a post "
        "number); a page deep in a long thread costs what the first does. Deleted posts keep "
        "their place without their text.",
        parameters=[id_parameter("thread_id"), serializers.PostQuerySerializer],
        responses=serializers.PostPageSerializer,
    )
    def get(self, request, thread_id: str):
        thread = access.access_thread(request.user, path_id(thread_id))
        query = read_query(serializers.PostQuerySerializer, request.query_params)
        page = selectors.thread_page(
            thread=thread, viewer=request.user, after=query.get("after", 0), size=POSTS_PER_PAGE
        )
        context = post_context(request, page.posts, page)
        results = serializers.PostSerializer(page.posts, many=True, context=context).data
        return Response(page_data(request, results, page.next_after, parameter="after"))

    @extend_schema(
        tags=TAGS,
        summary="Reply to a thread",
        description="Signed-in members who may reply (403 otherwise, e.g. a locked thread). "
        "`reply_to` names a post of the same thread. Trust levels apply as when starting a "
        "thread.",
        parameters=[id_parameter("thread_id")],
        request=serializers.ReplySerializer,
        responses={201: serializers.PostSerializer},
    )
    def post(self, request, thread_id: str):
        thread = access.access_thread(request.user, path_id(thread_id))
        fields = serializers.ReplySerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        reply_to = fields.validated_data.get("reply_to")
        if reply_to is not None:
            reply_to = Post.objects.filter(thread=thread, pk=reply_to, deleted_at=None).first()
            if reply_to is None:
                raise ValidationError({"reply_to": [_not_in_thread()]})
        with service_errors():
            post = services.post_reply(
                author=request.user,
                thread=thread,
                body=fields.validated_data["body"],
                reply_to=reply_to,
            )
        return post_response(
            request, access.access_post(request.user, post.pk), status_code=status.HTTP_201_CREATED
        )


def _not_in_thread() -> ErrorDetail:
    return ErrorDetail(gettext("There is no such post in this thread."), code="invalid")


@extend_schema_view(
    put=extend_schema(
        tags=TAGS,
        summary="Follow a thread",
        description="Replies to it are notified to the caller.",
        parameters=[id_parameter("thread_id")],
        request=None,
        responses=NO_CONTENT,
    ),
    delete=extend_schema(
        tags=TAGS,
        summary="Stop following a thread",
        parameters=[id_parameter("thread_id")],
        responses=NO_CONTENT,
    ),
)
class ThreadFollowView(_Switch):
    def switch(self, member, on: bool, thread_id: str) -> None:
        thread = access.access_thread(member, path_id(thread_id))
        services.follow_thread(member=member, thread=thread, follow=on)


@extend_validation_errors(["invalid"], field_name="post", methods=["put"])
@extend_validation_errors(["opening", "deleted"], field_name="non_field_errors", methods=["put"])
class AcceptedAnswer(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.AcceptedAnswerSerializer

    @extend_schema(
        tags=TAGS,
        summary="Mark a reply as the accepted answer",
        description="The thread's author or staff (403 for others). `post` must be a reply "
        "in this thread (400 otherwise); it replaces any answer accepted before.",
        parameters=[id_parameter("thread_id")],
        request=serializers.AcceptedAnswerSerializer,
        responses=NO_CONTENT,
    )
    def put(self, request, thread_id: str):
        thread = access.access_thread(request.user, path_id(thread_id))
        fields = serializers.AcceptedAnswerSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        post = Post.objects.filter(thread=thread, pk=fields.validated_data["post"]).first()
        if post is None:
            raise ValidationError({"post": [_not_in_thread()]})
        with service_errors():
            services.accept_answer(actor=request.user, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAGS,
        summary="Clear the accepted answer",
        description="The thread's author or staff (403 for others).",
        parameters=[id_parameter("thread_id")],
        responses=NO_CONTENT,
    )
    def delete(self, request, thread_id: str):
        thread = access.access_thread(request.user, path_id(thread_id))
        with service_errors():
            services.clear_accepted_answer(actor=request.user, thread=thread)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Posts ----------------------------------------------------------------------------------------


@service_error_codes(["patch"], body=TEXT_CODES + EDIT_TRUST_CODES)
class PostDetail(APIView):
    serializer_class = serializers.EditPostSerializer

    @extend_schema(
        tags=TAGS,
        summary="A post",
        description="404 when the caller may not read its thread.",
        parameters=[id_parameter("post_id")],
        responses=serializers.PostSerializer,
    )
    def get(self, request, post_id: str):
        return post_response(request, access.access_post(request.user, path_id(post_id)))

    @extend_schema(
        tags=TAGS,
        summary="Edit a post",
        description="Its author within the edit window, or staff; 403 for others, once the "
        "window has passed and on deleted posts. The earlier version is kept in the post's "
        "history.",
        parameters=[id_parameter("post_id")],
        request=serializers.EditPostSerializer,
        responses=serializers.PostSerializer,
    )
    def patch(self, request, post_id: str):
        post = access.access_post(request.user, path_id(post_id), for_write=True)
        changes = serializers.EditPostSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with service_errors():
            services.edit_post(editor=request.user, post=post, body=changes.validated_data["body"])
        return post_response(request, access.access_post(request.user, post.pk))

    @extend_schema(
        tags=TAGS,
        summary="Delete a post",
        description="Its author at any time, or staff (403 for others, and for a post already "
        "deleted). The post keeps its place in the thread, marked deleted, without its text.",
        parameters=[id_parameter("post_id")],
        responses=NO_CONTENT,
    )
    def delete(self, request, post_id: str):
        post = access.access_post(request.user, path_id(post_id))
        if not access.may_delete(request.user, post):
            raise PermissionDenied
        with service_errors():
            services.delete_post(member=request.user, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(["deleted"], field_name="non_field_errors", methods=["put"])
@extend_schema_view(
    put=extend_schema(
        tags=TAGS,
        summary="Mark a post helpful",
        description="Not one's own post (400).",
        parameters=[id_parameter("post_id")],
        request=None,
        responses=NO_CONTENT,
    ),
    delete=extend_schema(
        tags=TAGS,
        summary="Take back a helpful mark",
        parameters=[id_parameter("post_id")],
        responses=NO_CONTENT,
    ),
)
class PostHelpful(_Switch):
    def switch(self, member, on: bool, post_id: str) -> None:
        post = access.access_post(member, path_id(post_id))
        services.set_helpful(member=member, post=post, helpful=on)


@extend_schema_view(
    put=extend_schema(
        tags=TAGS,
        summary="Bookmark a post",
        parameters=[id_parameter("post_id")],
        request=None,
        responses=NO_CONTENT,
    ),
    delete=extend_schema(
        tags=TAGS,
        summary="Remove a bookmark",
        parameters=[id_parameter("post_id")],
        responses=NO_CONTENT,
    ),
)
class PostBookmark(_Switch):
    def switch(self, member, on: bool, post_id: str) -> None:
        post = access.access_post(member, path_id(post_id))
        services.set_bookmark(member=member, post=post, bookmarked=on)


# --- Search ---------------------------------------------------------------------------------------


@documents_errors_of(serializers.SearchQuerySerializer, methods=["get"])
class Search(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_forum_search_list",
        summary="Search the forums",
        description="Posts of the categories the caller may read that hold every word of `q`, "
        "best matches first, with a highlighted snippet; 20 a page: follow `next`. Unknown "
        "keys in filters match nothing.",
        parameters=[serializers.SearchQuerySerializer],
        responses=serializers.SearchPageSerializer,
    )
    def get(self, request):
        query = read_query(serializers.SearchQuerySerializer, request.query_params)
        categories = access.readable_categories(request.user)
        filters = search_filters(request.user, categories, query)
        if filters is None:
            return Response({"results": [], "next": None})
        page = search.search_posts(
            categories=categories,
            query=query.get("q", ""),
            since=query.get("since"),
            until=query.get("until"),
            cursor=query.get("cursor") or None,
            **filters,
        )
        posts = page.items
        context = {
            "request": request,
            "visible_authors": selectors.viewable_profiles(
                request.user, [post.author for post in posts if post.author]
            ),
        }
        results = serializers.SearchResultSerializer(posts, many=True, context=context).data
        return Response(page_data(request, results, page.next_cursor))


def search_filters(viewer, categories, query: dict) -> dict | None:
    """The search's filters as the objects they name; None when one names nothing the caller
    may know of (an unknown key, a category they may not read, a profile they may not see)."""
    filters = {}
    if query.get("category"):
        filters["category"] = categories.filter(slug=query["category"]).first()
    if query.get("tag"):
        filters["tag"] = selectors.tag_named(query["tag"])
    if query.get("sector"):
        filters["sector"] = Sector.objects.filter(slug=query["sector"]).first()
    if query.get("author"):
        profile = Profile.objects.select_related("user").filter(handle=query["author"]).first()
        visible = profile is not None and may_see_profile(viewer, profile)
        filters["author"] = profile.user_id if visible else None
    if any(value is None for value in filters.values()):
        return None
    return filters
