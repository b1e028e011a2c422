from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import show_service_error
from moderation import forms, services, targets


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    """Ask the moderators to look at something the member can see; back to it once flagged."""
    target = targets.resolve(request.user, kind, key)
    form = forms.FlagForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.flag(flagger=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at it."))
            return redirect(target.url)
    return render(
        request,
        "moderation/flag.html",
        {"form": form, "target": target},
        status=400 if form.is_bound else 200,
    )
