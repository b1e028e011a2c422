from django.urls import path

from members import api

urlpatterns = [
    path("account/", api.AccountView.as_view(), name="account"),
    path("sectors/", api.SectorList.as_view(), name="sectors"),
    path("countries/", api.CountryList.as_view(), name="countries"),
    path("city-regions/", api.CityRegionList.as_view(), name="city_regions"),
    path("languages/", api.LanguageList.as_view(), name="languages"),
    path("engagement-types/", api.EngagementTypeList.as_view(), name="engagement_types"),
    path("knowledge-stages/", api.KnowledgeStageList.as_view(), name="knowledge_stages"),
    path("expertise-tags/", api.ExpertiseTagList.as_view(), name="expertise_tags"),
    path("members/", api.MemberList.as_view(), name="members"),
    path("members/<str:handle>/", api.MemberDetail.as_view(), name="member"),
    path("profile/", api.OwnProfile.as_view(), name="profile"),
    path("organisations/", api.OrganisationList.as_view(), name="organisations"),
    path("organisations/<str:slug>/", api.OrganisationDetail.as_view(), name="organisation"),
    path(
        "organisations/<str:slug>/memberships/",
        api.MembershipList.as_view(),
        name="memberships",
    ),
    path(
        "organisations/<str:slug>/memberships/<str:membership_id>/",
        api.MembershipDetail.as_view(),
        name="membership",
    ),
    path(
        "organisations/<str:slug>/invitations/",
        api.InvitationList.as_view(),
        name="invitations",
    ),
    path("profile/photo/", api.OwnPhoto.as_view(), name="profile_photo"),
]
