"""Economy update pages: the public list with its filters, an update's page, the Atom feed, and
the Editors' desk, form and buttons. Each calls the same access, selector and service functions as
the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import show_service_error
from core.pagination import paginate
from economy import access, forms, selectors, services
from economy.models import EconomyUpdate
from members.models import Sector

PAGE_SIZE = 20
ORDER = ("-published_at", "-pk")


@require_safe
def update_list(request: HttpRequest) -> HttpResponse:
    """Published updates, newest first, narrowed by the filters of the query string (an invalid
    one is named on the form and left out)."""
    form = forms.UpdateFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET else {}
    filters = selectors.UpdateFilters(
        query=data.get("q") or "",
        sectors=[data["sector"]] if data.get("sector") else [],
        city_regions=[data["region"]] if data.get("region") else [],
        language=data.get("language") or "",
    )
    page = paginate(
        selectors.published_updates(filters),
        order=ORDER,
        cursor=request.GET.get("cursor") or None,
        size=PAGE_SIZE,
        scope=filters.scope(),
    )
    more = request.GET.copy()
    if page.next_cursor:
        more["cursor"] = page.next_cursor
    context = {
        "form": form,
        "valid": valid,
        "page": page,
        "next_query": more.urlencode(),
        "filtered": any(filters.scope().values()),
        "feed_url": _feed_url(data.get("sector")),
        "is_editor": access.is_editor(request.user),
    }
    return render(request, "economy/update_list.html", context)


def _feed_url(sector: Sector | None) -> str:
    url = reverse("economy:feed")
    return f"{url}?sector={sector.slug}" if sector else url


@require_safe
def update_page(request: HttpRequest, update_id: int) -> HttpResponse:
    update = access.access_update(request.user, update_id)
    editor = access.is_editor(request.user)
    context = {
        "update": update,
        "is_editor": editor,
        "scheduled": selectors.is_scheduled(update),
        "missing": services.missing_for_publishing(update)
        if editor and update.status != EconomyUpdate.Status.PUBLISHED
        else {},
        "publish_form": forms.PublishForm() if editor else None,
    }
    return render(request, "economy/update.html", context)


# --- Atom feed ----------------------------------------------------------------------------------


class UpdatesFeed(Feed):
    """The newest published updates as Atom, of one sector with ``?sector=<key>``."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs) -> Sector | None:
        slug = request.GET.get("sector")
        if not slug:
            return None
        sector = Sector.objects.filter(slug=slug.replace("\x00", "")).first()
        if sector is None:
            raise Http404
        return sector

    def title(self, sector: Sector | None) -> str:
        if sector is None:
            return _("KnowBridge: economy updates")
        return _("KnowBridge: economy updates in %(sector)s") % {"sector": sector.name}

    def subtitle(self, sector: Sector | None) -> str:
        return _("What is changing in China's economy, for the people who work across it.")

    def link(self, sector: Sector | None) -> str:
        url = reverse("economy:list")
        return f"{url}?sector={sector.slug}" if sector else url

    def feed_url(self, sector: Sector | None) -> str:
        return _feed_url(sector)

    def items(self, sector: Sector | None) -> list[EconomyUpdate]:
        return selectors.feed_entries(sector=sector)

    def item_title(self, update: EconomyUpdate) -> str:
        return update.title

    def item_description(self, update: EconomyUpdate) -> str:
        return update.summary

    def item_pubdate(self, update: EconomyUpdate):
        return update.published_at

    def item_updateddate(self, update: EconomyUpdate):
        return max(update.updated_at, update.published_at)

    def item_categories(self, update: EconomyUpdate) -> list[str]:
        return [sector.name for sector in update.sectors.all()]

    def item_author_name(self, update: EconomyUpdate) -> str | None:
        return update.source_name or None

    def item_author_link(self, update: EconomyUpdate) -> str | None:
        return update.source_url or None


feed = UpdatesFeed()


# --- The Editors' pages -------------------------------------------------------------------------


def _editor(request: HttpRequest) -> None:
    if not access.is_editor(request.user):
        raise PermissionDenied


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    """What waits for an Editor, by tab: drafts, imports to review, scheduled updates."""
    _editor(request)
    tab = request.GET.get("tab")
    if tab not in selectors.DESK_TABS:
        tab = selectors.DESK_TABS[0]
    page = paginate(
        selectors.desk_updates(tab),
        order=("-updated_at", "-pk"),
        cursor=request.GET.get("cursor") or None,
        size=PAGE_SIZE,
        scope={"tab": tab},
    )
    context = {
        "tab": tab,
        "tabs": [(name, DESK_TAB_NAMES[name]) for name in selectors.DESK_TABS],
        "counts": selectors.desk_counts(),
        "page": page,
    }
    return render(request, "economy/desk.html", context)


DESK_TAB_NAMES = {
    "draft": pgettext_lazy("tab of the Editor's desk: economy updates", "Drafts"),
    "review": pgettext_lazy("tab of the Editor's desk: economy updates", "Imported, to review"),
    "scheduled": pgettext_lazy("tab of the Editor's desk: economy updates", "Scheduled"),
}


@login_required
@require_http_methods(["GET", "POST"])
def new_update(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = forms.UpdateForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            update = services.create_update(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect(update)
    return render(request, "economy/update_form.html", {"form": form, "update": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit_update(request: HttpRequest, update_id: int) -> HttpResponse:
    update = access.access_update(request.user, update_id, for_write=True)
    form = forms.UpdateForm(request.POST or None, instance=update)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_update(update=update, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(update)
    return render(request, "economy/update_form.html", {"form": form, "update": update})


@login_required
@require_POST
def publish(request: HttpRequest, update_id: int) -> HttpResponse:
    update = access.access_update(request.user, update_id, for_write=True)
    form = forms.PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["at"])
        at = form.cleaned_data["at"]
        services.publish_update(update=update, actor=request.user, at=at)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = (
            pgettext("an economy update was", "Scheduled.")
            if at
            else pgettext("an economy update was", "Published.")
        )
        messages.success(request, done)
    return redirect(update)


@login_required
@require_POST
def unpublish(request: HttpRequest, update_id: int) -> HttpResponse:
    update = access.access_update(request.user, update_id, for_write=True)
    try:
        services.unpublish_update(update=update, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Unpublished: it is a draft again."))
    return redirect(update)


@login_required
@require_POST
def discard(request: HttpRequest, update_id: int) -> HttpResponse:
    update = access.access_update(request.user, update_id, for_write=True)
    form = forms.DiscardForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.discard_update(update=update, actor=request.user, reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(update)
    messages.success(request, pgettext("an economy update was", "Discarded."))
    return redirect("economy:desk")
