from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"].strip()
        user.language = translation.get_language_from_request(request)
        return super().save_user(request, user, form, commit)
