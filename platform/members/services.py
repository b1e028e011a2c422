"""Changes a member makes to their own account."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from members.models import User


@transaction.atomic
def update_account(*, user: User, display_name: str | None = None, language: str | None = None):
    if display_name is not None:
        user.display_name = display_name.strip()
    if language is not None:
        user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "language"])
    return user


@transaction.atomic
def issue_api_token(*, user: User) -> Token:
    """Replace the member's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def revoke_api_token(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
