from django.urls import path

from matchmaking import views

app_name = "matchmaking"
urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("new/<uslug:slug>/", views.new_request, name="new_request"),
    path("<int:request_id>/", views.request_page, name="request"),
    path("<int:request_id>/edit/", views.edit_request, name="edit_request"),
    path("<int:request_id>/approve/", views.approve, name="approve"),
    path("<int:request_id>/invite/<str:handle>/", views.invite, name="invite"),
    path("<int:request_id>/offer/", views.offer, name="offer"),
    path("<int:request_id>/refer/", views.refer, name="refer"),
    path("referrals/", views.referrals, name="referrals"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up, name="follow_up"),
    path("for-you/", views.requests_for_you, name="for_you"),
    path("ask/<str:handle>/", views.ask, name="ask"),
    path("engagements/", views.my_engagements, name="my_engagements"),
    path("engagements/<int:engagement_id>/", views.engagement_page, name="engagement"),
    path(
        "engagements/<int:engagement_id>/conversation/",
        views.engagement_conversation,
        name="engagement_conversation",
    ),
    path(
        "engagements/<int:engagement_id>/conversation/attachments/<int:attachment_id>/",
        views.engagement_attachment,
        name="engagement_attachment",
    ),
    path(
        "engagements/<int:engagement_id>/feedback/",
        views.feedback,
        name="engagement_feedback",
    ),
    *(
        path(
            f"engagements/<int:engagement_id>/{action}/",
            views.act_on_engagement,
            {"action": action},
            name=f"engagement_{action}",
        )
        for action in views.ENGAGEMENT_ACTIONS
    ),
    *(
        path(f"<int:request_id>/{action}/", views.act_on_request, {"action": action}, name=action)
        for action in views.ACTIONS
    ),
]
