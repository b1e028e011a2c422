from django.urls import path

from moderation import api

urlpatterns = [
    path("flags/", api.FlagList.as_view(), name="flags"),
    path("moderation/cases/", api.CaseList.as_view(), name="api-moderation-cases"),
    path("moderation/cases/<str:case_id>/", api.CaseDetail.as_view(), name="api-moderation-case"),
    path(
        "moderation/cases/<str:case_id>/decisions/",
        api.DecisionList.as_view(),
        name="api-moderation-decisions",
    ),
    path(
        "moderation/members/<str:member_id>/notes/",
        api.NoteList.as_view(),
        name="api-moderation-notes",
    ),
    path(
        "moderation/sanctions/<str:sanction_id>/lift/",
        api.LiftSanction.as_view(),
        name="api-moderation-lift",
    ),
]
