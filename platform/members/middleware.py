from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/readyz")


class StaffMFARequiredMiddleware:
    """Staff must set up an authenticator app before they may use anything but their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            messages.warning(
                request,
                _("Staff accounts need two-factor authentication. Set up an authenticator app."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user.is_staff
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not is_mfa_enabled(user, types=["totp"])
        )
