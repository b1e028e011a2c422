"""The unsubscribe link's token: who may change which kind to on-site only, without logging in.

Mail clients follow ``List-Unsubscribe`` with a POST that carries no cookies (RFC 8058), so the
link itself is the credential: a signed, salted (member, kind) pair. It only ever lowers what is
sent, so it does not expire: a link in an old mail keeps working.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist

from notifications import registry
from notifications.registry import Kind

SALT = "notifications.unsubscribe"


class InvalidTokenError(Exception):
    """The token is forged, damaged, or names a member or kind that no longer exists."""


def unsubscribe_token(member, kind: Kind) -> str:
    return signing.dumps([member.pk, kind.key], salt=SALT, compress=True)


def access_unsubscribe(token: str) -> tuple:
    """The (member, kind) a token was made for, or InvalidTokenError."""
    try:
        member_id, key = signing.loads(token, salt=SALT)
        kind = registry.kind(key)
        member = get_user_model().objects.get(pk=member_id, is_active=True)
    except (signing.BadSignature, ValueError, TypeError, KeyError, ObjectDoesNotExist) as error:
        raise InvalidTokenError from error
    return member, kind
