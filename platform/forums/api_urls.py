from django.urls import path

from forums import api

urlpatterns = [
    path("forum/categories/", api.CategoryList.as_view(), name="forum_categories"),
    path(
        "forum/categories/<str:category_slug>/", api.CategoryDetail.as_view(), name="forum_category"
    ),
    path(
        "forum/categories/<str:category_slug>/follow/",
        api.CategoryFollowView.as_view(),
        name="forum_category_follow",
    ),
    path("forum/threads/", api.ThreadList.as_view(), name="forum_threads"),
    path("forum/threads/<str:thread_id>/", api.ThreadDetail.as_view(), name="forum_thread"),
    path(
        "forum/threads/<str:thread_id>/posts/",
        api.ThreadPosts.as_view(),
        name="forum_thread_posts",
    ),
    path(
        "forum/threads/<str:thread_id>/follow/",
        api.ThreadFollowView.as_view(),
        name="forum_thread_follow",
    ),
    path(
        "forum/threads/<str:thread_id>/accepted-answer/",
        api.AcceptedAnswer.as_view(),
        name="forum_thread_accepted_answer",
    ),
    path("forum/posts/<str:post_id>/", api.PostDetail.as_view(), name="forum_post"),
    path(
        "forum/posts/<str:post_id>/helpful/", api.PostHelpful.as_view(), name="forum_post_helpful"
    ),
    path(
        "forum/posts/<str:post_id>/bookmark/",
        api.PostBookmark.as_view(),
        name="forum_post_bookmark",
    ),
    path("forum/search/", api.Search.as_view(), name="forum_search"),
]
