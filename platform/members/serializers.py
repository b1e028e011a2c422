from django.conf import settings
from rest_framework import serializers

from core.api import ModelSerializer
from members.models import User


class AccountSerializer(ModelSerializer):
    """The signed-in member's own account; it is the only place their e-mail is serialised."""

    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "language", "date_joined"]
        read_only_fields = ["id", "email", "date_joined"]
        extra_kwargs = {"display_name": {"required": False}}
