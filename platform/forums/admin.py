"""Staff housekeeping for the forums. Categories are saved and deleted through the services
(audited); threads, posts and tags are only looked at here, since changing them in a plain form
would skip their counters, search fields, revisions and notifications."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin, action_with_reason, each_through_service
from forums import services
from forums.models import Category, Post, PostRevision, Tag, Thread


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_en", "slug", "kind", "restriction", "position", "thread_count"]
    list_editable = ["position"]
    list_filter = ["kind", "restriction"]
    list_select_related = ["sector"]
    search_fields = ["name_en", "name_fr", "name_zh_hans", "slug"]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "sector", "restriction", "position"]}),
        (_("Names"), {"fields": ["name_en", "name_fr", "name_zh_hans"]}),
        (
            _("Descriptions"),
            {"fields": ["description_en", "description_fr", "description_zh_hans"]},
        ),
        (_("Counts"), {"fields": ["thread_count", "post_count", "last_posted_at"]}),
    ]
    readonly_fields = ["thread_count", "post_count", "last_posted_at"]
    actions = ["delete_categories"]

    def save_model(self, request, obj, form, change):
        services.save_category(actor=request.user, category=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # through delete_categories, which asks why and keeps threads safe

    def has_remove_permission(self, request):
        return super().has_delete_permission(request)

    @action_with_reason(description=_("Delete these empty categories"), permissions=["remove"])
    def delete_categories(self, request, queryset, reason):
        each_through_service(
            self,
            request,
            queryset,
            lambda category: services.delete_category(
                actor=request.user, category=category, reason=reason
            ),
            done=lambda count: ngettext(
                "%(count)d category deleted.", "%(count)d categories deleted.", count
            ),
        )


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "category", "author", "post_count", "helpful_count", "created_at"]
    list_filter = ["category", "language", "locked"]
    list_select_related = ["category", "author"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ["search_text"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "edited_at", "deleted_at"]
    list_select_related = ["thread", "author"]
    raw_id_fields = ["thread", "reply_to", "author"]
    show_full_result_count = False
    exclude = ["html", "search_text", "tokens"]


@admin.register(PostRevision)
class PostRevisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["post", "edited_by", "created_at"]
    list_select_related = ["post__thread", "edited_by"]
    raw_id_fields = ["post", "edited_by"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["name", "thread_count"]
    search_fields = ["name"]
