from django.urls import path

from matchmaking import api

urlpatterns = [
    path("help-requests/", api.HelpRequestList.as_view(), name="help_requests"),
    path("help-requests/for-you/", api.RequestsForYou.as_view(), name="help_requests_for_you"),
    path("help-requests/<str:request_id>/", api.HelpRequestDetail.as_view(), name="help_request"),
    path(
        "help-requests/<str:request_id>/publish/",
        api.PublishRequest.as_view(),
        name="help_request_publish",
    ),
    path(
        "help-requests/<str:request_id>/withdraw/",
        api.WithdrawRequest.as_view(),
        name="help_request_withdraw",
    ),
    path(
        "help-requests/<str:request_id>/resolve/",
        api.ResolveRequest.as_view(),
        name="help_request_resolve",
    ),
    path(
        "help-requests/<str:request_id>/approve/",
        api.ApproveRequest.as_view(),
        name="help_request_approve",
    ),
    path(
        "help-requests/<str:request_id>/matches/",
        api.MatchList.as_view(),
        name="help_request_matches",
    ),
    path(
        "help-requests/<str:request_id>/engagements/",
        api.RequestEngagementList.as_view(),
        name="help_request_engagements",
    ),
    path(
        "help-requests/<str:request_id>/invitations/",
        api.InvitationList.as_view(),
        name="help_request_invitations",
    ),
    path(
        "help-requests/<str:request_id>/offers/",
        api.OfferList.as_view(),
        name="help_request_offers",
    ),
    path(
        "help-requests/<str:request_id>/referrals/",
        api.ReferralList.as_view(),
        name="help_request_referrals",
    ),
    path("referrals/", api.ReferralLedger.as_view(), name="referrals"),
    path("follow-ups/<str:follow_up_id>/", api.FollowUpDetail.as_view(), name="follow_up"),
    path("engagements/", api.EngagementList.as_view(), name="engagements"),
    path("engagements/<str:engagement_id>/", api.EngagementDetail.as_view(), name="engagement"),
    path(
        "engagements/<str:engagement_id>/accept/",
        api.AcceptEngagement.as_view(),
        name="engagement_accept",
    ),
    path(
        "engagements/<str:engagement_id>/decline/",
        api.DeclineEngagement.as_view(),
        name="engagement_decline",
    ),
    path(
        "engagements/<str:engagement_id>/withdraw/",
        api.WithdrawEngagement.as_view(),
        name="engagement_withdraw",
    ),
    path(
        "engagements/<str:engagement_id>/complete/",
        api.CompleteEngagement.as_view(),
        name="engagement_complete",
    ),
    path(
        "engagements/<str:engagement_id>/feedback/",
        api.GiveFeedback.as_view(),
        name="engagement_feedback",
    ),
]
