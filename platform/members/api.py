from rest_framework import generics, permissions

from members import services
from members.serializers import AccountSerializer


class AccountView(generics.RetrieveUpdateAPIView):
    """The signed-in member's account."""

    serializer_class = AccountSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = services.update_account(
            user=self.request.user, **serializer.validated_data
        )
