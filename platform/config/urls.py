from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path, register_converter
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.converters import HandleConverter, UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")
register_converter(HandleConverter, "handle")

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "KnowBridge"

api_v1 = [
    path("", include("members.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("conversations.api_urls")),
    path("", include("forums.api_urls")),
    path("", include("matchmaking.api_urls")),
    path("", include("economy.api_urls")),
    path("", include("digests.api_urls")),
    path("", include("moderation.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path(  # lazy: in production the static manifest exists only once collectstatic has run
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("img/favicon.svg"), permanent=True),
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("organisations/", include("members.organisation_urls")),
    path("directory/", include("members.directory_urls")),
    path("notifications/", include("notifications.urls")),
    path("messages/", include("conversations.urls")),
    path("forums/", include("forums.urls")),
    path("requests/", include("matchmaking.urls")),
    path("economy/", include("economy.urls")),
    path("digests/", include("digests.urls")),
    path("moderation/", include("moderation.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if settings.BENCHMARK:  # the baseline of make bench: a view that costs exactly one query
    urlpatterns.append(path("bench/one-query/", core_views.one_query, name="bench-one-query"))
