import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from members.models import User

PASSWORD = "correct-horse-battery-staple"
PASSWORD_HASH = make_password(PASSWORD)  # hashed once: hashing per member would dominate the suite


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Faker("name")
    password = PASSWORD_HASH

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Members are verified unless a test asks for `verified_email=False`."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )
            self.save()
