from django.urls import path

from forums import search_views, views

app_name = "forums"
urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.latest, name="latest"),
    path("unread/", views.unread, name="unread"),
    path("bookmarks/", views.bookmark_list, name="bookmarks"),
    path("new/", views.new_thread, name="new_thread"),
    path("preview/", views.preview, name="preview"),
    path("c/<uslug:slug>/", views.category, name="category"),
    path("c/<uslug:slug>/follow/", views.follow_category, name="follow_category"),
    path("tags/<path:tag>/", views.tag, name="tag"),
    path("t/<int:thread_id>/", views.thread, name="thread"),
    path("t/<int:thread_id>/unread/", views.thread_unread, name="thread_unread"),
    path("t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("t/<int:thread_id>/follow/", views.follow_thread, name="follow_thread"),
    path("p/<int:post_id>/", views.post_in_place, name="post"),
    path("p/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("p/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("p/<int:post_id>/helpful/", views.helpful, name="helpful"),
    path("p/<int:post_id>/accept/", views.accept, name="accept"),
    path("p/<int:post_id>/bookmark/", views.bookmark, name="bookmark"),
    path("search/", search_views.search, name="search"),
]
