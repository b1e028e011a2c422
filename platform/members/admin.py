"""Staff housekeeping. Every save, deletion and action goes through the services, so that nothing
here breaks an invariant (an organisation keeps an owner, search texts follow what they index)
or escapes the audit log. Django's own cascading delete is turned off where a service deletes."""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy

from core.admin import ReadOnlyAdmin, action_with_reason, each_through_service
from members import services
from members.forms import OrganisationForm
from members.models import (
    CityRegion,
    Country,
    EngagementType,
    ExpertiseTag,
    KnowledgeStage,
    Language,
    Membership,
    Organisation,
    Sector,
    User,
)


def save_formsets_only(modeladmin, request, form, formsets, change) -> None:
    """``save_related`` for a model whose many-to-many fields its service already set."""
    for formset in formsets:
        modeladmin.save_formset(request, form, formset, change=change)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "trust_level", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "trust_level", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language", "trust_level"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]
    actions = ["delete_accounts"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "trust_level" in form.base_fields:
            # Left out of a post, the level stays as it is (the forums may have raised it).
            form.base_fields["trust_level"].required = False
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Addresses change through the member's e-mail settings, which verify them.
            readonly += ["email", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are anonymised by delete_accounts, never cascaded away

    def has_remove_permission(self, request):
        return super().has_delete_permission(request)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        if {"display_name", "language"} & set(form.changed_data):
            services.update_account(user=obj, display_name=obj.display_name, language=obj.language)
        level = form.cleaned_data.get("trust_level")
        if "trust_level" in form.changed_data and level not in (None, ""):
            # The stored account, so that the service sees (and audits) the level before.
            stored = User.objects.get(pk=obj.pk)
            services.set_trust_level(user=stored, level=int(level), actor=request.user)
            obj.trust_level = stored.trust_level
        roles = (*services.STAFF_FLAGS, "groups", "user_permissions")
        services.set_staff_roles(
            user=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in roles if name in form.cleaned_data},
        )

    def save_related(self, request, form, formsets, change):
        if change:  # set_staff_roles set the groups and permissions
            save_formsets_only(self, request, form, formsets, change)
        else:
            super().save_related(request, form, formsets, change)

    def user_change_password(self, request, id, form_url=""):
        """Django's page, audited: the stored password is compared before and after."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    services.record_password_set(user=user, actor=request.user)
        return response

    @action_with_reason(description=_("Delete these accounts"), permissions=["remove"])
    def delete_accounts(self, request, queryset, reason):
        """Through ``delete_account``: anonymised, organisations handed over, audited."""
        others = queryset.exclude(pk=request.user.pk)
        if others.count() < queryset.count():
            self.message_user(
                request, _("Your own account is deleted from your settings."), messages.ERROR
            )
        each_through_service(
            self,
            request,
            others,
            lambda user: services.delete_account(user=user, actor=request.user, reason=reason),
            done=lambda count: ngettext(
                "%(count)d account deleted.", "%(count)d accounts deleted.", count
            ),
        )


class ReferenceAdmin(admin.ModelAdmin):
    """Reference data, saved and deleted through the services, so that the members and
    organisations tied to a row are found by what it is called now."""

    def save_model(self, request, obj, form, change):
        services.save_reference_item(item=obj)

    def delete_model(self, request, obj):
        services.delete_reference_item(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            services.delete_reference_item(item=item)


class TranslatedNameAdmin(ReferenceAdmin):
    list_display = ["name_en", "name_fr", "name_zh_hans"]
    search_fields = ["name_en", "name_fr", "name_zh_hans"]


@admin.register(Sector, EngagementType)
class SlugReferenceAdmin(TranslatedNameAdmin):
    list_display = ["slug", *TranslatedNameAdmin.list_display]


@admin.register(KnowledgeStage)
class KnowledgeStageAdmin(TranslatedNameAdmin):
    list_display = ["position", "slug", *TranslatedNameAdmin.list_display]


@admin.register(Country, Language)
class CodeReferenceAdmin(TranslatedNameAdmin):
    list_display = ["code", *TranslatedNameAdmin.list_display]


@admin.register(CityRegion)
class CityRegionAdmin(TranslatedNameAdmin):
    list_display = ["slug", "country", "time_zone", *TranslatedNameAdmin.list_display]
    list_filter = ["country"]
    list_select_related = ["country"]


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(ReferenceAdmin):
    list_display = ["name", "key"]
    search_fields = ["key"]


class MembershipInline(ReadOnlyAdmin, admin.TabularInline):
    """Who belongs, read-only: roles change and members leave through the membership list's
    actions, which keep every organisation an owner."""

    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "verified", "created_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["name", "slug"]
    form = OrganisationForm  # the owners' form: the admin validates what their page does
    fields = [*Organisation.EDITABLE, "slug", "verified", "memberships_link", "search_text"]
    readonly_fields = ["verified", "slug", "memberships_link", "search_text"]
    filter_horizontal = ["city_regions"]
    inlines = [MembershipInline]
    actions = ["verify", "withdraw_verification", "delete_organisations"]

    def has_add_permission(self, request):
        return False  # organisations are made by members, who become their first owners

    def has_delete_permission(self, request, obj=None):
        return False  # see delete_organisations

    def has_remove_permission(self, request):
        return super().has_delete_permission(request)

    @admin.display(description=_("Memberships"))
    def memberships_link(self, organisation):
        url = reverse("admin:members_membership_changelist")
        return format_html(
            '<a href="{}?organisation__id__exact={}">{}</a>',
            url,
            organisation.pk,
            _("Change roles or remove members"),
        )

    def save_model(self, request, obj, form, change):
        services.update_organisation_as_staff(
            organisation=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )

    def save_related(self, request, form, formsets, change):
        save_formsets_only(self, request, form, formsets, change)

    @admin.action(description=_("Mark as verified"))
    def verify(self, request, queryset):
        for organisation in queryset:
            services.set_verified(organisation=organisation, verified=True, actor=request.user)

    @admin.action(description=_("Withdraw the verified badge"))
    def withdraw_verification(self, request, queryset):
        for organisation in queryset:
            services.set_verified(organisation=organisation, verified=False, actor=request.user)

    @action_with_reason(description=_("Delete these organisations"), permissions=["remove"])
    def delete_organisations(self, request, queryset, reason):
        each_through_service(
            self,
            request,
            queryset,
            lambda organisation: services.delete_organisation(
                organisation=organisation, actor=request.user, reason=reason
            ),
            done=lambda count: ngettext(
                "%(count)d organisation deleted.", "%(count)d organisations deleted.", count
            ),
        )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Members join by invitation; roles and removals go through the actions, which call the
    services: an organisation always keeps an owner, and what staff do is audited."""

    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["organisation__name", "user__email", "user__display_name"]
    actions = ["make_owners", "make_members", "remove_members"]

    def has_manage_permission(self, request):
        return request.user.has_perm("members.change_membership")

    @admin.action(description=_("Make owners"), permissions=["manage"])
    def make_owners(self, request, queryset):
        self._set_roles(request, queryset, Membership.Role.OWNER)

    @admin.action(description=_("Make members (no longer owners)"), permissions=["manage"])
    def make_members(self, request, queryset):
        self._set_roles(request, queryset, Membership.Role.MEMBER)

    def _set_roles(self, request, queryset, role):
        each_through_service(
            self,
            request,
            queryset.select_related("user", "organisation"),
            lambda membership: services.set_member_role(
                membership=membership, role=role, actor=request.user
            ),
            done=lambda count: ngettext(
                "%(count)d role changed.", "%(count)d roles changed.", count
            ),
        )

    @action_with_reason(description=_("Remove from their organisations"), permissions=["manage"])
    def remove_members(self, request, queryset, reason):
        each_through_service(
            self,
            request,
            queryset.select_related("user", "organisation"),
            lambda membership: services.remove_member(
                membership=membership, actor=request.user, reason=reason
            ),
            done=lambda count: ngettext(
                "%(count)d member removed.", "%(count)d members removed.", count
            ),
        )


# --- Other apps' admins over members' accounts ----------------------------------------------------
# As their apps register them, they would let staff act on someone's account unseen: read an API
# key and act as its member, add or verify an address (and reset the password through it), remove
# an authenticator, or reshape the staff groups. Here they are read-only or gone.

for _model in (TokenProxy, EmailAddress, Authenticator, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin, AllauthEmailAddressAdmin):
    """Members change and verify their addresses themselves, in their e-mail settings."""


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin, AllauthAuthenticatorAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    fields = list_display  # never the secret in its data


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The staff groups come from settings.STAFF_GROUPS; superusers change what they may do,
    through set_group_permissions, which audits it."""

    readonly_fields = ["name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # its name is read-only: only the permissions change, in save_related

    def save_related(self, request, form, formsets, change):
        services.set_group_permissions(
            group=form.instance, permissions=form.cleaned_data["permissions"], actor=request.user
        )
