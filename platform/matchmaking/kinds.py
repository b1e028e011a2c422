"""What matchmaking tells members about, registered with notifications (from its ready())."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register

REVIEW_NEEDED = register(
    Kind(
        key="matchmaking.review_needed",
        label=_("Help requests waiting for staff review"),
        sentence=_("“%(subject)s” touches a sensitive technology area and waits for your review"),
    )
)
REQUEST_APPROVED = register(
    Kind(
        key="matchmaking.request_approved",
        label=_("My help requests cleared by staff"),
        sentence=_("%(actor)s cleared “%(subject)s”: experts can now be matched to it"),
    )
)
REQUEST_EXPIRING = register(
    Kind(
        key="matchmaking.request_expiring",
        label=_("My help requests close to their deadline"),
        sentence=_("“%(subject)s” reaches its deadline in a few days"),
    )
)
REQUEST_EXPIRED = register(
    Kind(
        key="matchmaking.request_expired",
        label=_("My help requests that expired"),
        sentence=_("“%(subject)s” passed its deadline and closed"),
    )
)
INVITED = register(
    Kind(
        key="matchmaking.invited",
        label=_("Invitations to help with a request"),
        sentence=_("%(actor)s invited you to help with “%(subject)s”"),
    )
)
OFFERED = register(
    Kind(
        key="matchmaking.offered",
        label=_("Offers of help on my SME's requests"),
        sentence=_("%(actor)s offered to help with “%(subject)s”"),
    )
)
ANSWERED = register(
    Kind(
        key="matchmaking.answered",
        label=_("Answers to my invitations and offers"),
        sentence=_("%(actor)s answered about “%(subject)s”"),
    )
)
ANSWER_DUE = register(
    Kind(
        key="matchmaking.answer_due",
        label=_("Invitations and offers waiting for my answer"),
        sentence=_("An invitation or offer about “%(subject)s” expires within a day"),
    )
)
UNANSWERED = register(
    Kind(
        key="matchmaking.unanswered",
        label=_("Invitations and offers that expired unanswered"),
        sentence=_("No answer came about “%(subject)s”: see who else could help"),
    )
)
FOLLOW_UP = register(
    Kind(
        key="matchmaking.follow_up",
        label=_("Follow-ups on completed engagements"),
        sentence=_("What did your SME do with the help on “%(subject)s”? Tell us in a minute"),
    )
)
REFERRED = register(
    Kind(
        key="matchmaking.referred",
        label=_("Help requests facilitators refer to me"),
        sentence=_("%(actor)s thinks you could help with “%(subject)s”"),
    )
)
REFERRED_TO = register(
    Kind(
        key="matchmaking.referred_to_organisation",
        label=_("Help requests facilitators refer to my organisation"),
        sentence=_("%(actor)s referred “%(subject)s” to your organisation"),
    )
)
REFERRAL_MADE = register(
    Kind(
        key="matchmaking.referral_made",
        label=_("Referrals of my SME's requests"),
        sentence=_("%(actor)s referred “%(subject)s” to someone who may help"),
    )
)
