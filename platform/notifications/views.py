from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import submitted
from notifications import access, forms, selectors, services
from notifications.registry import Delivery

PAGE_SIZE = 30


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_page(
        member=request.user, cursor=request.GET.get("cursor"), size=PAGE_SIZE
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points: a path on this site, nowhere else."""
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=notification_id)
    services.mark_read(member=request.user, ids=[notification.pk])
    if url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(member=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = forms.PreferencesForm(
        submitted(request),
        initial=selectors.deliveries_of(request.user),
    )
    if form.is_valid():
        services.set_preferences(member=request.user, deliveries=form.deliveries())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@csrf_exempt  # RFC 8058: mail clients post without cookies; the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners follow GETs); POST, from the page or a mail client's
    one-click, turns the kind's e-mails off, again and again alike, and never redirects."""
    try:
        member, kind = access.access_unsubscribe(token)
    except access.InvalidTokenError:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        services.set_preferences(member=member, deliveries={kind.key: Delivery.IN_APP})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done})
