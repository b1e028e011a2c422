"""Demo members for `make run`: known logins so a newcomer can look around at once."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from members import services
from members.models import CityRegion, Language, Organisation, Profile, Sector, User

DEMO_PASSWORD = "knowbridge-demo-2026"  # noqa: S105 - printed on purpose, demo data only


@dataclass(frozen=True)
class DemoProfile:
    headline: str
    sectors: tuple[str, ...]
    region: str
    expertise: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("eng",)
    corridors: tuple[tuple[str, str, str], ...] = ()
    offers_expertise: bool = True
    seeks_help: bool = False
    represents_facilitator: bool = False


@dataclass(frozen=True)
class DemoMember:
    email: str
    display_name: str
    language: str = "en"
    staff_group: str | None = None
    superuser: bool = False
    profile: DemoProfile | None = None


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    owner: str
    sectors: tuple[str, ...]
    regions: tuple[str, ...]
    description: str
    category: str = ""


DEMO_MEMBERS = (
    DemoMember(
        "li.wei@demo.knowbridge.local",
        "Li Wei",
        "zh-hans",
        profile=DemoProfile(
            "供应链与跨境物流顾问 · Supply-chain adviser, Shenzhen ↔ Toronto",
            ("transportation-logistics", "manufacturing"),
            "toronto",
            ("供应链", "cross-border logistics", "customs"),
            ("cmn", "yue", "eng"),
            (("shenzhen", "toronto", "transportation-logistics"),),
        ),
    ),
    DemoMember(
        "marie.tremblay@demo.knowbridge.local",
        "Marie Tremblay",
        "fr",
        profile=DemoProfile(
            "Fondatrice d'une PME agroalimentaire à Montréal",
            ("agri-food",),
            "montreal",
            languages=("fra", "eng"),
            offers_expertise=False,
            seeks_help=True,
        ),
    ),
    DemoMember(
        "arjun.mehta@demo.knowbridge.local",
        "Arjun Mehta",
        profile=DemoProfile(
            "Fintech product lead; banking regulation in Canada and India",
            ("finance-banking", "ict-software"),
            "waterloo-region",
            ("fintech", "payments", "banking regulation"),
            ("eng", "hin"),
        ),
    ),
    DemoMember(
        "chen.jing@demo.knowbridge.local",
        "Chen Jing",
        "zh-hans",
        profile=DemoProfile(
            "清洁技术工程师 · Clean-tech engineer, Vancouver and Suzhou",
            ("clean-technology", "mining-energy"),
            "vancouver",
            ("储能", "battery recycling"),
            ("cmn", "eng"),
            (("suzhou", "vancouver", "clean-technology"),),
        ),
    ),
    DemoMember(
        "olivia.brown@demo.knowbridge.local",
        "Olivia Brown",
        profile=DemoProfile(
            "Trade commissioner helping SMEs enter Asian markets",
            ("professional-services",),
            "ottawa",
            ("market entry", "export financing"),
            offers_expertise=True,
            represents_facilitator=True,
        ),
    ),
    DemoMember("editor@demo.knowbridge.local", "Eddie Editor", staff_group="Editors"),
    DemoMember("moderator@demo.knowbridge.local", "Mona Moderator", staff_group="Moderators"),
    DemoMember(
        "admin@demo.knowbridge.local", "Ada Admin", staff_group="Administrators", superuser=True
    ),
)


DEMO_ORGANISATIONS = (
    DemoOrganisation(
        "Érable Fine Foods",
        Organisation.Kind.SME,
        "marie.tremblay@demo.knowbridge.local",
        ("agri-food",),
        ("montreal",),
        "Maple products and preserves from Québec, looking for distributors in Shanghai.",
    ),
    DemoOrganisation(
        "Ottawa Asia Trade Office",
        Organisation.Kind.PUBLIC_FACILITATOR,
        "olivia.brown@demo.knowbridge.local",
        ("professional-services",),
        ("ottawa", "shanghai"),
        "Helps Canadian SMEs find partners and customers in China.",
        Organisation.Category.GOVERNMENT_AGENCY,
    ),
)


@transaction.atomic
def load_demo_members() -> list[tuple[DemoMember, bool]]:
    """Create the demo members that do not exist yet; returns each with whether it was created."""
    results = [(member, _ensure_member(member)) for member in DEMO_MEMBERS]
    for organisation in DEMO_ORGANISATIONS:
        _ensure_organisation(organisation)
    return results


def _ensure_member(member: DemoMember) -> bool:
    user, created = User.objects.get_or_create(
        email=member.email,
        defaults={
            "display_name": member.display_name,
            "language": member.language,
            "is_staff": member.staff_group is not None,
            "is_superuser": member.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=member.email, defaults={"verified": True, "primary": True}
    )
    if member.staff_group:
        user.groups.add(Group.objects.get(name=member.staff_group))
    if created and member.profile:
        _fill_profile(user.profile, member.profile)
    return created


def _fill_profile(profile, demo: DemoProfile) -> None:
    services.choose_intents(
        profile=profile,
        offers_expertise=demo.offers_expertise,
        seeks_help=demo.seeks_help,
        represents_facilitator=demo.represents_facilitator,
    )
    services.update_profile(
        profile=profile,
        headline=demo.headline,
        sectors=Sector.objects.filter(slug__in=demo.sectors),
        canadian_region=CityRegion.objects.get(slug=demo.region),
        open_to_requests=demo.offers_expertise,
        listing=Profile.Listing.PUBLIC,
        expertise=list(demo.expertise),
    )
    services.set_spoken_languages(
        profile=profile,
        entries=[(Language.objects.get(code=code), "professional") for code in demo.languages],
    )
    services.set_corridors(
        profile=profile,
        entries=[
            (
                CityRegion.objects.get(slug=china),
                CityRegion.objects.get(slug=canada),
                Sector.objects.get(slug=sector),
            )
            for china, canada, sector in demo.corridors
        ],
    )
    services.finish_onboarding(profile=profile)


def _ensure_organisation(demo: DemoOrganisation) -> None:
    if Organisation.objects.filter(name=demo.name).exists():
        return
    services.create_organisation(
        creator=User.objects.get(email=demo.owner),
        name=demo.name,
        kind=demo.kind,
        category=demo.category,
        description=demo.description,
        sectors=Sector.objects.filter(slug__in=demo.sectors),
        city_regions=CityRegion.objects.filter(slug__in=demo.regions),
    )
