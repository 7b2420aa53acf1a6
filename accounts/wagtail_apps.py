from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with admin forms that know our user model."""

    user_viewset = "accounts.admin_users.UserViewSet"
