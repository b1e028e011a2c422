from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from members import selectors


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"].strip()
        user.language = translation.get_language_from_request(request)
        return super().save_user(request, user, form, commit)

    def unstash_verified_email(self, request):
        """An invitation link stashes the address it was sent to. allauth would add that address,
        verified, to any account signed up in the session, even one signed up with another
        address; here it only verifies that same address (``is_email_verified`` compares them)
        and is forgotten at log-in."""
        return None

    def post_login(self, request, user, **kwargs):
        super().unstash_verified_email(request)
        return super().post_login(request, user, **kwargs)

    def get_login_redirect_url(self, request):
        """Staff land on their own home, not in a member's onboarding."""
        if selectors.is_staff_account(request.user):
            return reverse("members:staff_home")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        """A link opened in another browser than the one that signed up confirms the address but
        cannot sign in (allauth resumes only the log-in held in that session): say what is left."""
        if self.request.user.is_authenticated:
            return super().get_email_verification_redirect_url(email_address)
        messages.info(self.request, _("Log in with your password to continue."))
        return f"{reverse('account_login')}?{urlencode({'email': email_address.email})}"
