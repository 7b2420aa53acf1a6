from django.urls import path, register_converter

from . import views


class TokenConverter:
    """A check's token: URL-safe base64 of 32 bytes. Anything else (a forged or huge value)
    matches no URL, so it is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{20,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "retention_token")

app_name = "retention"

urlpatterns = [
    path("<retention_token:token>/", views.retention_check, name="check"),
]
