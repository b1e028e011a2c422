from datetime import timedelta

import factory
from django.utils import timezone

from matchmaking import services
from matchmaking.models import HelpRequest
from members import services as member_services
from members.models import CityRegion, Language, Membership, Profile, Sector
from tests.members.factories import MembershipFactory, SectorFactory, listed_member

DESCRIPTION = (
    "We make brake parts in Suzhou and want to sell to an Ontario assembler. "
    "Which certifications do they ask for, and how long does qualifying take?"
)


def sme_member(role=Membership.Role.OWNER, **user):
    """A member of an SME (its owner unless told), returned with the SME."""
    membership = MembershipFactory(role=role, **({"user__" + k: v for k, v in user.items()}))
    return membership.user, membership.organisation


def ready_fields(**changes) -> dict:
    """Every field a request needs before it is published."""
    return {
        "title": "Selling brake parts to an Ontario assembler",
        "description": DESCRIPTION,
        "deliverable": "A list of certifications and a realistic timeline.",
        "kind": HelpRequest.Kind.MARKET_ENTRY,
        "size": HelpRequest.Size.SESSION,
        "deadline": timezone.localdate() + timedelta(days=30),
        "sectors": [SectorFactory()],
        **changes,
    }


def draft(author=None, organisation=None, **changes) -> HelpRequest:
    if author is None:
        author, organisation = sme_member()
    return services.create_request(
        author=author, organisation=organisation, **ready_fields(**changes)
    )


def published(author=None, organisation=None, **changes) -> HelpRequest:
    request = draft(author, organisation, **changes)
    return services.publish_request(request=request, actor=request.author)


class SensitiveTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.SensitiveTerm"
        django_get_or_create = ["term"]

    term = "quantum"


def region(slug: str) -> CityRegion:
    return CityRegion.objects.get(slug=slug)


def sector(slug: str) -> Sector:
    return Sector.objects.get(slug=slug)


def expert(name: str, *, languages=(), corridors=(), offers_expertise=True, **changes) -> Profile:
    """An onboarded professional, open to requests, listed for members, with these answers."""
    profile = listed_member(
        name, listing=Profile.Listing.MEMBERS, **{"open_to_requests": True, **changes}
    )
    member_services.choose_intents(
        profile=profile,
        offers_expertise=offers_expertise,
        seeks_help=not offers_expertise,
        represents_facilitator=False,
    )
    if languages:
        member_services.set_spoken_languages(
            profile=profile,
            entries=[(Language.objects.get(code=code), "native") for code in languages],
        )
    if corridors:
        member_services.set_corridors(
            profile=profile,
            entries=[(region(china), region(canada), sector(s)) for china, canada, s in corridors],
        )
    return profile
