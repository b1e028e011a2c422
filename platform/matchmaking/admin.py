"""Staff housekeeping for matchmaking: the list of sensitive technology terms, and help requests
looked at (and cleared for matching) here; changing a request in a plain form would skip its
rules, so that happens on its page, through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin, action_with_reason, each_through_service
from matchmaking import services
from matchmaking.models import HelpRequest, SensitiveTerm


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "created_at"]
    search_fields = ["term"]


@admin.register(HelpRequest)
class HelpRequestAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "review", "deadline", "created_at"]
    list_filter = ["status", "review", "kind", "size"]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]
    actions = ["approve_requests"]

    def has_approve_permission(self, request):
        return request.user.is_staff

    @action_with_reason(description=_("Clear these requests for matching"), permissions=["approve"])
    def approve_requests(self, request, queryset, reason):
        each_through_service(
            self,
            request,
            queryset,
            lambda help_request: services.approve_request(
                request=help_request, actor=request.user, reason=reason
            ),
            done=lambda count: ngettext(
                "%(count)d request cleared.", "%(count)d requests cleared.", count
            ),
        )
