import secrets
import zoneinfo
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TranslatedName
from core.validators import visible_text
from members.trust import TrustLevel

CANADA = "CA"  # ISO code of the country the network's members live in


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of KnowBridge. The e-mail address is the login and is never shown to others."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        validators=[visible_text],
        help_text=_("How other members see you, e.g. “Li Wei” or “Marie Tremblay”."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the emails KnowBridge sends you."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or str(_("Deleted member"))

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


# --- Reference data (admin-editable, seeded by data migrations) ----------------------------------


class Sector(TranslatedName):
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Country(TranslatedName):
    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class CityRegionQuerySet(models.QuerySet):
    def in_canada(self):
        return self.filter(country__code=CANADA)

    def outside_canada(self):
        """Where members' ties abroad (their home regions) may be."""
        return self.exclude(country__code=CANADA)


def validate_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Enter a time zone name such as America/Toronto or Asia/Shanghai."),
            code="time_zone",
        ) from None


class CityRegion(TranslatedName):
    """A city-region such as Toronto, Waterloo Region, the Greater Bay Area or Shanghai."""

    slug = models.SlugField(unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="city_regions")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Its IANA name, such as America/Toronto or Asia/Shanghai."),
    )

    objects = CityRegionQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("city-region")
        verbose_name_plural = _("city-regions")


class Language(TranslatedName):
    code = models.SlugField(_("code"), unique=True, help_text=_("ISO 639-3, e.g. cmn, yue."))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class EngagementType(TranslatedName):
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("engagement type")
        verbose_name_plural = _("engagement types")


class KnowledgeStage(TranslatedName):
    """Market information → business practices → knowledge creation."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("knowledge stage")
        verbose_name_plural = _("knowledge stages")


class ExpertiseTag(models.Model):
    """A free tag, stored once per normalised spelling (``key``) as it was first written."""

    MAX_LENGTH = 60
    MAX_PER_LIST = 20  # on a profile, per list (expertise, advice topics)
    TOO_MANY = _("Twenty tags at most.")
    TOO_LONG = _("Each tag can be 60 characters long at most.")

    name = models.CharField(_("name"), max_length=MAX_LENGTH)
    key = models.CharField(max_length=MAX_LENGTH, unique=True, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("expertise tag")
        verbose_name_plural = _("expertise tags")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split()).strip(" ,;.#")
        self.key = self.normalise(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise(text: str) -> str:
        return " ".join(text.replace("#", " ").split()).strip(" ,;.").casefold()

    def clean(self):
        """A renamed tag may not take the spelling of another one."""
        key = self.normalise(self.name)
        if ExpertiseTag.objects.filter(key=key).exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("Another tag is already spelled this way.")})

    @classmethod
    def validate_names(cls, names: list[str]) -> None:
        """The cap on a list of tags, for every way in (page, API, service)."""
        if len(names) > cls.MAX_PER_LIST:
            raise ValidationError(cls.TOO_MANY, code="too_many")
        if any(len(name) > cls.MAX_LENGTH for name in names):
            raise ValidationError(cls.TOO_LONG, code="max_length")


# --- Profiles -------------------------------------------------------------------------------------


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    PRIVATE = "private", _("Only me")


def visibility_field():
    return models.CharField(max_length=8, choices=Visibility, default=Visibility.MEMBERS)


HANDLE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l to misread
HANDLE_LENGTH = 10


def new_handle() -> str:
    """A profile's public address: random, so that profiles cannot be walked by counting."""
    return "".join(secrets.choice(HANDLE_ALPHABET) for _ in range(HANDLE_LENGTH))


PHOTO_FOLDER = "photos"


def photo_path(profile, filename: str) -> str:
    """A name nobody can guess: neither the member nor the time is in it."""
    return f"{PHOTO_FOLDER}/{secrets.token_urlsafe(24)}.jpg"


class Profile(models.Model):
    class Listing(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can find and read my profile")
        MEMBERS = "members", _("Members only: signed-in members can find and read it")
        HIDDEN = "hidden", _("Hidden: only the members of my organisations (and staff) can read it")

    INTENT_FIELDS = ("offers_expertise", "seeks_help", "represents_facilitator")
    NO_INTENT = _("Choose at least one thing that brings you to KnowBridge.")
    # What a member edits on their profile page, in the order it shows them; the tags, the photo
    # and the experience page's lists have ways of their own.
    EDITABLE = (
        "headline",
        "bio",
        "current_role",
        "employer",
        "years_experience",
        "sectors",
        "canadian_region",
        "home_regions",
        "country_of_origin",
        "years_in_canada",
        "open_to_requests",
        "paused",
        "max_open_engagements",
        "hours_per_month",
        "engagement_types",
        "knowledge_stages",
        "listing",
    )
    EDITABLE_RELATIONS = ("sectors", "home_regions", "engagement_types", "knowledge_stages")
    EDITABLE_FIELDS = tuple(sorted(set(EDITABLE) - set(EDITABLE_RELATIONS), key=EDITABLE.index))
    TAG_RELATIONS = ("expertise", "advice_topics")  # written as lists of names
    HOME_REGIONS_HELP = _("City-regions outside Canada you have ties to.")
    # Fields whose visibility each member chooses; the rest follow the profile's listing.
    SENSITIVE_FIELDS = (
        "photo",
        "employer",
        "country_of_origin",
        "years_in_canada",
        "home_regions",
        "designations",
        "links",
    )

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    handle = models.CharField(max_length=HANDLE_LENGTH, unique=True, default=new_handle)
    offers_expertise = models.BooleanField(_("I offer my expertise"), default=False)
    seeks_help = models.BooleanField(_("I seek help for an SME"), default=False)
    represents_facilitator = models.BooleanField(_("I represent a facilitator"), default=False)
    onboarded_at = models.DateTimeField(null=True, blank=True, editable=False)

    headline = models.CharField(_("headline"), max_length=140, blank=True)
    bio = models.TextField(_("about me"), max_length=5000, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True, db_index=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="profiles", verbose_name=_("sectors")
    )
    expertise = models.ManyToManyField(
        ExpertiseTag, blank=True, related_name="experts", verbose_name=_("areas of expertise")
    )
    advice_topics = models.ManyToManyField(
        ExpertiseTag, blank=True, related_name="advisers", verbose_name=_("advice topics")
    )
    languages = models.ManyToManyField(
        Language, through="ProfileLanguage", blank=True, verbose_name=_("languages")
    )
    canadian_region = models.ForeignKey(
        CityRegion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"country__code": CANADA},
        verbose_name=_("city-region in Canada"),
    )
    home_regions = models.ManyToManyField(
        CityRegion, blank=True, related_name="diaspora", verbose_name=_("ties to city-regions")
    )
    country_of_origin = models.ForeignKey(
        Country,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country of origin"),
    )
    years_in_canada = models.PositiveSmallIntegerField(
        _("years in Canada"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of professional experience"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(70)],
    )
    current_role = models.CharField(_("current role"), max_length=120, blank=True)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours a month I can give"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    open_to_requests = models.BooleanField(_("open to help requests"), default=False)
    paused = models.BooleanField(
        _("paused"), default=False, help_text=_("Take a break: no new invitations reach you.")
    )
    max_open_engagements = models.PositiveSmallIntegerField(
        _("help requests I take on at once"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("While this many are under way, no new invitation reaches you."),
    )
    engagement_types = models.ManyToManyField(
        EngagementType, blank=True, verbose_name=_("engagement types offered")
    )
    knowledge_stages = models.ManyToManyField(
        KnowledgeStage, blank=True, verbose_name=_("knowledge stages I help with")
    )
    listing = models.CharField(
        _("who can find my profile"), max_length=10, choices=Listing, default=Listing.MEMBERS
    )
    # Who sees each sensitive field; real columns, so directory filters can respect them.
    photo_visibility = visibility_field()
    employer_visibility = visibility_field()
    country_of_origin_visibility = visibility_field()
    years_in_canada_visibility = visibility_field()
    home_regions_visibility = visibility_field()
    designations_visibility = visibility_field()
    links_visibility = visibility_field()
    last_active_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(blank=True, editable=False)
    # What the directory files the profile under (members.directory.tokens_of): its sectors,
    # languages, city-regions …, so that any mix of filters is one index lookup; and the listing
    # under which others may find it, empty when they may not (access.findable_listing).
    tokens = models.TextField(blank=True, editable=False)
    findable_as = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [
            models.Index(fields=["-last_active_at", "-user"], name="profile_recently_active"),
            # The experts who take requests, with what the matching engine reads of them: it
            # joins a ranking's candidates here instead of scanning the whole (wide) table.
            models.Index(
                fields=["user"],
                include=[
                    "findable_as",
                    "years_experience",
                    "last_active_at",
                    "max_open_engagements",
                    "tokens",
                    "canadian_region",
                ],
                condition=Q(offers_expertise=True, open_to_requests=True, paused=False),
                name="profile_taking_requests",
            ),
        ]

    def __str__(self):
        return str(self.user)

    def visibility_of(self, field: str) -> str:
        return getattr(self, f"{field}_visibility")

    @classmethod
    def validate_intents(cls, **intents: bool) -> None:
        if not any(intents.get(field) for field in cls.INTENT_FIELDS):
            raise ValidationError(cls.NO_INTENT, code="no_intent")

    @staticmethod
    def home_region_choices():
        return CityRegion.objects.outside_canada()

    @staticmethod
    def validate_home_regions(regions) -> None:
        """Home regions are ties abroad: a city-region in Canada is the member's own region."""
        chosen = [getattr(region, "pk", region) for region in regions]
        if CityRegion.objects.in_canada().filter(pk__in=chosen).exists():
            raise ValidationError({"home_regions": _("Ties are to city-regions outside Canada.")})

    @property
    def photo_url(self) -> str:
        """Where the photo is served to those allowed to see it (never the storage's own URL)."""
        if not self.photo:
            return ""
        return reverse("members:photo", args=[PurePosixPath(self.photo.name).name])

    @property
    def available(self) -> bool:
        return self.open_to_requests and not self.paused


class ProfileLanguage(models.Model):
    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        CONVERSATIONAL = "conversational", _("Conversational")
        PROFESSIONAL = "professional", pgettext_lazy("language level", "Professional")
        NATIVE = "native", _("Native or bilingual")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="spoken")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=Level, default=Level.PROFESSIONAL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="one_level_per_language")
        ]

    def __str__(self):
        return f"{self.language} ({self.get_level_display()})"


class CountryExperience(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="countries_worked")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    years = models.PositiveSmallIntegerField(
        _("years worked"), validators=[MinValueValidator(1), MaxValueValidator(70)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "country"], name="one_entry_per_country")
        ]

    def __str__(self):
        return f"{self.country}: {self.years}"


class Designation(models.Model):
    """A professional designation in a jurisdiction, e.g. P.Eng. in Ontario or CPA in Québec."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="designations")
    title = models.CharField(_("designation"), max_length=80)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=80)

    def __str__(self):
        return f"{self.title} ({self.jurisdiction})"


class Corridor(models.Model):
    """A Chinese city-region × a Canadian city-region × a sector a member has worked in."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="corridors")
    china_region = models.ForeignKey(
        CityRegion,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"country__code": "CN"},
        verbose_name=_("city-region in China"),
    )
    canada_region = models.ForeignKey(
        CityRegion,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"country__code": CANADA},
        verbose_name=_("city-region in Canada"),
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "china_region", "canada_region", "sector"],
                name="one_corridor_once",
            )
        ]

    def __str__(self):
        return f"{self.china_region} ↔ {self.canada_region} · {self.sector}"


class ProfileLink(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=60)
    url = models.URLField(_("address"), max_length=300)

    def __str__(self):
        return self.label


# --- Organisations --------------------------------------------------------------------------------


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SME = "sme", _("Small or medium enterprise")
        PUBLIC_FACILITATOR = "public", _("Public facilitator")
        PRIVATE_FACILITATOR = "private", _("Private facilitator")
        UNIVERSITY = "university", _("University or research centre")

    class Category(models.TextChoices):
        GOVERNMENT_AGENCY = "government_agency", _("Government agency")
        BUSINESS_ASSOCIATION = "business_association", _("Business association")
        CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Chamber of commerce")
        CONSULTING_FIRM = "consulting_firm", _("Consulting firm")
        LAW_FIRM = "law_firm", _("Law firm")
        BANK = "bank", _("Bank")
        ACCOUNTING_FIRM = "accounting_firm", _("Accounting firm")

    PUBLIC_CATEGORIES = {
        Category.GOVERNMENT_AGENCY,
        Category.BUSINESS_ASSOCIATION,
        Category.CHAMBER_OF_COMMERCE,
    }
    PRIVATE_CATEGORIES = {
        Category.CONSULTING_FIRM,
        Category.LAW_FIRM,
        Category.BANK,
        Category.ACCOUNTING_FIRM,
    }

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 people")
        SMALL = "10-49", _("10–49 people")
        MEDIUM = "50-249", _("50–249 people")
        LARGE = "250+", _("250 people or more")

    # What its owners edit, in the order its form shows them.
    EDITABLE = (
        "name",
        "kind",
        "category",
        "description",
        "sectors",
        "city_regions",
        "size",
        "founded",
        "website",
    )
    EDITABLE_RELATIONS = ("sectors", "city_regions")
    EDITABLE_FIELDS = tuple(sorted(set(EDITABLE) - set(EDITABLE_RELATIONS), key=EDITABLE.index))

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    category = models.CharField(_("category"), max_length=24, choices=Category, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="organisations", verbose_name=_("sectors")
    )
    city_regions = models.ManyToManyField(
        CityRegion, blank=True, related_name="organisations", verbose_name=_("city-regions")
    )
    size = models.CharField(_("size"), max_length=8, choices=Size, blank=True)
    founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField(default=timezone.now)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "-last_active_at"], name="organisation_kind_active")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(founded__isnull=True)
                | models.Q(founded__gte=1800, founded__lte=2100),
                name="organisation_founded_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        allowed = {
            self.Kind.PUBLIC_FACILITATOR: self.PUBLIC_CATEGORIES,
            self.Kind.PRIVATE_FACILITATOR: self.PRIVATE_CATEGORIES,
        }.get(self.kind, set())
        if self.category and self.category not in allowed:
            raise ValidationError(
                {"category": _("This category does not fit the kind of organisation.")}
            )


OrganisationKind = Organisation.Kind  # importable by path, for the API schema's enum names


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_each")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An owner's invitation, by e-mail, to join an organisation, accepted through a secret link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(max_length=8, choices=Membership.Role, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.expires_at > timezone.now()
        )
