from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members import services
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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language"]}),
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


class TranslatedNameAdmin(admin.ModelAdmin):
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
    list_display = ["slug", "country", *TranslatedNameAdmin.list_display]
    list_filter = ["country"]
    list_select_related = ["country"]


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    list_display = ["name", "key"]
    search_fields = ["key"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "verified", "created_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["name", "slug"]
    readonly_fields = ["verified", "slug", "search_text"]
    filter_horizontal = ["sectors", "city_regions"]
    inlines = [MembershipInline]
    actions = ["verify", "withdraw_verification"]

    @admin.action(description=_("Mark as verified"))
    def verify(self, request, queryset):
        for organisation in queryset:
            services.set_verified(organisation=organisation, verified=True, actor=request.user)

    @admin.action(description=_("Withdraw the verified badge"))
    def withdraw_verification(self, request, queryset):
        for organisation in queryset:
            services.set_verified(organisation=organisation, verified=False, actor=request.user)
