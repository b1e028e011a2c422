from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import submitted
from core.jinja import fragment
from digests import access, building, forms, selectors, services
from digests.models import ConsentEvent, Delivery, Subscription

Frequency = Subscription.Frequency


@login_required
@require_http_methods(["GET", "POST"])
def subscription_settings(request: HttpRequest) -> HttpResponse:
    services.subscribe_new_member(member=request.user)
    subscription = selectors.subscription_of(request.user)
    form = forms.SubscriptionForm(submitted(request), instance=subscription)
    if form.is_valid():
        services.change_subscription(
            member=request.user, source=ConsentEvent.Source.SETTINGS, **form.changes()
        )
        messages.success(request, _("Your digest settings are saved."))
        return redirect("digests:settings")
    return render(
        request,
        "digests/settings.html",
        {"form": form, "subscription": subscription},
        status=400 if form.is_bound else 200,
    )


@csrf_exempt  # RFC 8058: mail clients post without cookies; the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET offers "less often" and "never" (link scanners follow GETs, so it changes nothing);
    a POST with no choice is a mail client's one-click and means never. Idempotent; never
    redirects."""
    try:
        member = access.access_unsubscribe(token)
    except access.InvalidTokenError:
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    subscription = services.subscribe_new_member(member=member)
    done = None
    if request.method == "POST":
        choice = request.POST.get("frequency", "")
        one_click = request.POST.get("List-Unsubscribe") == "One-Click" or not choice
        allowed = {Frequency.OFF, services.less_often(subscription.frequency)} - {None}
        if one_click:
            choice = Frequency.OFF
        elif choice not in allowed:
            return render(
                request,
                "digests/unsubscribe.html",
                {
                    "subscription": subscription,
                    "less_often": services.less_often(subscription.frequency),
                    "error": True,
                },
                status=400,
            )
        source = (
            ConsentEvent.Source.ONE_CLICK if one_click else ConsentEvent.Source.UNSUBSCRIBE_PAGE
        )
        subscription = services.unsubscribe(member=member, source=source, frequency=choice)
        done = subscription.get_frequency_display()
    return render(
        request,
        "digests/unsubscribe.html",
        {
            "subscription": subscription,
            "less_often": services.less_often(subscription.frequency),
            "done": done,
        },
    )


@require_safe
def view_in_browser(request: HttpRequest, token: str) -> HttpResponse:
    """The digest a delivery held, from the signed link in its mail (no log-in needed)."""
    try:
        delivery = access.access_view(token)
    except access.ExpiredTokenError:
        return render(request, "digests/view_invalid.html", {"expired": True}, status=410)
    except access.InvalidTokenError:
        return render(request, "digests/view_invalid.html", {"expired": False}, status=404)
    [digest] = building.load([delivery.items])
    context = services.context_of(delivery, digest, delivery.member) | {"site_url": ""}
    body = fragment("digests/_sections.jinja", context)
    response = render(
        request,
        "digests/view.html",
        {"delivery": delivery, "body": body, "heading": context["heading"]},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response


@login_required
@require_safe
def preview(request: HttpRequest) -> HttpResponse:
    """What the member's next digest would hold if it were decided now (nothing recorded), or
    why none would be sent."""
    services.subscribe_new_member(member=request.user)
    contents, delivery, digest = services.preview_of(member=request.user)
    context = services.context_of(delivery, digest, request.user) | {"site_url": ""}
    return render(
        request,
        "digests/preview.html",
        {
            "contents": contents,
            "reason": Delivery.Reason(contents.reason).label if contents.reason else "",
            "body": fragment("digests/_sections.jinja", context),
            "heading": context["heading"],
        },
    )


@login_required
@require_safe
def delivery_log(request: HttpRequest) -> HttpResponse:
    access.access_delivery_log(request.user)
    filters = forms.DeliveryFilterForm(request.GET)
    if not filters.is_valid():
        return render(
            request,
            "digests/deliveries.html",
            {"filters": filters, "page": None, "counts": [], "total": 0},
            status=400,
        )
    status, reason = filters.cleaned_data["status"], filters.cleaned_data["reason"]
    page = selectors.delivery_log(status=status, reason=reason, cursor=request.GET.get("cursor"))
    counts = selectors.counts_by_status()
    return render(
        request,
        "digests/deliveries.html",
        {
            "filters": filters,
            "page": page,
            "counts": counts,
            "total": max(1, sum(count for _value, _label, count in counts)),
            "query": {"status": status, "reason": reason},
        },
    )
