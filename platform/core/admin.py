"""Admin building blocks every app's admin shares, so that staff work through the services: an
action that asks why before it runs, and the audit log, which nobody edits."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import mail, staff_tools
from core.models import AuditEvent, OutboxTask, UndeliveredEmail


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log with your name."),
    )


def action_with_reason(*, description, permissions=None):
    """An admin action that first asks staff why, on a page listing what it will act on, and is
    then called as ``action(modeladmin, request, queryset, reason)``."""

    def decorate(function):
        @functools.wraps(function)
        def action(modeladmin, request, queryset):
            form = ReasonForm(request.POST if "reason" in request.POST else None)
            if form.is_valid():
                return function(modeladmin, request, queryset, form.cleaned_data["reason"])
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "form": form,
                "queryset": queryset,
                "action": function.__name__,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "core/admin/action_with_reason.html", context)

        return admin.action(description=description, permissions=permissions)(action)

    return decorate


def each_through_service(modeladmin, request, items, service, *, done) -> None:
    """Call ``service(item)`` for each item, each in its own transaction; what a service refuses
    is told to staff with its reason while the others go ahead, and ``done(count)`` (a message
    with ``%(count)d``) says how many went."""
    count = 0
    for item in items:
        try:
            service(item)
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            modeladmin.message_user(request, f"{item}: {' '.join(reasons)}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


class ReadOnlyAdmin:
    """A model admin mixin for what staff may look at but not change there."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "reason"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Tasks kept while the broker was away; beat sends them within a minute of its return."""

    list_display = ["created_at", "name"]
    date_hierarchy = "created_at"


staff_tools.register(
    staff_tools.Tool(
        "core.view_undeliveredemail",
        "admin:core_undeliveredemail_changelist",
        _("Undelivered e-mail"),
        _("Messages the mail server refused, or did not take after every retry."),
    )
)


@admin.register(UndeliveredEmail)
class UndeliveredEmailAdmin(admin.ModelAdmin):
    """What the mail server did not take; staff send it again once the cause is fixed."""

    list_display = ["failed_at", "subject", "recipients", "attempts", "error"]
    search_fields = ["recipients", "subject"]
    date_hierarchy = "failed_at"
    readonly_fields = ["subject", "recipients", "error", "attempts", "message", "failed_at"]
    actions = ["send_again"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["delete"])
    def send_again(self, request, queryset):
        each_through_service(
            self,
            request,
            queryset,
            mail.send_again,
            done=lambda count: ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", count
            ),
        )
