"""The one door to digests: the links in a digest mail, and who reads the delivery log.

The mail's links carry their own credential, a signed token, since the people following them are
often not signed in, and a mail client's one-click unsubscribe (RFC 8058) posts without cookies:

- the unsubscribe token names the member; it only ever lowers what is sent, so it never expires
  and a link in an old mail keeps working;
- the "view in browser" token names one delivery and its member, and expires after
  ``VIEW_TOKEN_MAX_AGE``: it shows what the member was sent, which is theirs to read.

Each has its own salt, so one cannot stand in for the other (or for any other signed value of
the site). The delivery log is for staff: anyone else is refused (403), visitors asked to log in.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from digests.models import Delivery

UNSUBSCRIBE_SALT = "digests.unsubscribe"
VIEW_SALT = "digests.view"
VIEW_TOKEN_MAX_AGE = timedelta(days=365)


class InvalidTokenError(Exception):
    """The token is forged or damaged, or names a member or delivery that no longer exists."""


class ExpiredTokenError(InvalidTokenError):
    """The token was genuine but is too old."""


def unsubscribe_token(member) -> str:
    return signing.dumps([member.pk, "digest"], salt=UNSUBSCRIBE_SALT, compress=True)


def view_token(delivery: Delivery) -> str:
    return signing.dumps([delivery.pk, delivery.member_id], salt=VIEW_SALT, compress=True)


def access_unsubscribe(token: str):
    """The (active) member an unsubscribe token was made for, or InvalidTokenError."""
    try:
        member_id, purpose = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        if purpose != "digest":
            raise ValueError(purpose)
        return get_user_model().objects.get(pk=member_id, is_active=True)
    except (signing.BadSignature, ValueError, TypeError, ObjectDoesNotExist) as error:
        raise InvalidTokenError from error


def access_view(token: str) -> Delivery:
    """The sent delivery a "view in browser" token names, or Invalid/ExpiredTokenError."""
    try:
        delivery_id, member_id = signing.loads(token, salt=VIEW_SALT, max_age=VIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredTokenError from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidTokenError from error
    try:
        return (
            Delivery.objects.select_related("member")
            .exclude(status=Delivery.Status.SKIPPED)
            .get(pk=int(delivery_id), member_id=int(member_id), member__is_active=True)
        )
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise InvalidTokenError from error


def may_read_deliveries(viewer) -> bool:
    return viewer.is_authenticated and viewer.is_active and viewer.is_staff


def access_delivery_log(viewer) -> None:
    """Staff only: 403 for any other signed-in member (views send visitors to log in first)."""
    if not may_read_deliveries(viewer):
        raise PermissionDenied


def access_delivery(viewer, delivery_id) -> Delivery:
    """One delivery of the log, for staff; 403 for others, 404 when there is no such one."""
    from django.http import Http404

    access_delivery_log(viewer)
    try:
        return Delivery.objects.select_related("member").get(pk=int(delivery_id))
    except (Delivery.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
