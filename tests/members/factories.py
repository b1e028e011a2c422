import functools

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password

from members import services
from members.models import (
    CityRegion,
    Country,
    Membership,
    Organisation,
    Profile,
    Sector,
    User,
)

PASSWORD = "correct-horse-battery-staple"


@functools.cache
def password_hash() -> str:
    """Hashed once, on first use: after conftest's pytest_configure has chosen the hasher."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Members are verified unless a test asks for `verified_email=False`."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )
            self.save()

    @factory.post_generation
    def onboarded(self, create, extracted, **kwargs):
        """`onboarded=True`: the member has finished onboarding, so others may see them."""
        if create and extracted:
            services.finish_onboarding(profile=self.profile)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"test-sector-{n}")
    name_en = factory.Sequence(lambda n: f"Test sector {n}")
    name_fr = factory.Sequence(lambda n: f"Secteur d'essai {n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试行业{n}")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "CA"
    name_en = "Canada"
    name_fr = "Canada"
    name_zh_hans = "加拿大"


class CityRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRegion
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"test-region-{n}")
    country = factory.SubFactory(CountryFactory)
    name_en = factory.Sequence(lambda n: f"Test region {n}")
    name_fr = factory.Sequence(lambda n: f"Région d'essai {n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试地区{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Maple Harbour Trading {n}")
    slug = factory.Sequence(lambda n: f"maple-harbour-trading-{n}")
    kind = Organisation.Kind.SME


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


def listed_member(display_name="Member", *, listing=Profile.Listing.PUBLIC, **changes) -> Profile:
    """An onboarded member found in the directory, with these profile changes."""
    profile = UserFactory(display_name=display_name).profile
    services.update_profile(profile=profile, listing=listing, **changes)
    services.finish_onboarding(profile=profile)
    return profile


def with_authenticator(user: User) -> User:
    """A member with an authenticator app set up, as staff must have before they may work."""
    TOTP.activate(user, generate_totp_secret())
    return user
