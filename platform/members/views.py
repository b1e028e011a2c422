from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from members import selectors, services


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the account for e-mails too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        services.update_account(user=request.user, language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_api_token(user=request.user)
            messages.success(request, _("Your API token was revoked."))
            return redirect("members:api_token")
        new_token = services.issue_api_token(user=request.user)
        messages.success(request, _("A new API token was created. Copy it now."))
    return render(
        request,
        "members/api_token.html",
        {"token": new_token or selectors.api_token_for(request.user), "new_token": new_token},
    )
