from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import admin_account, admin_login

from .views import serve_page

urlpatterns = [
    # Wagtail's Account page, for a user with one full name (accounts/admin_account.py).
    path("admin/account/", admin_account.account, name="wagtailadmin_account"),
    # Wagtail's login page, for admin users only and behind the site's throttled password check
    # (accounts/admin_login.py).
    path("admin/login/", admin_login.LoginView.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Outside the language prefix: the address printed in every certificate's QR code.
    path("", include("certificates.urls")),
    # Outside the language prefix: the addresses an LTI platform (Moodle) is configured with.
    path("lti/", include("lti.urls")),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA_FILES", False):
    # Development only (`make run` keeps DEBUG off): Django's static() helper serves nothing
    # without DEBUG, so the view is mounted directly.
    from django.views.static import serve

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Public pages live under /ro/ and /en/; Wagtail's catch-all comes last.
urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("learning/", include("courses.urls")),
    path("learning/quizzes/", include("quizzes.urls")),
    path("learning/surveys/", include("surveys.urls")),
    path("learning/retention/", include("retention.urls")),
    # Wagtail's URLs, except that its catch-all (same pattern, same name) is served with a
    # cached route: see elearning.infrastructure.caching.serving.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serve_page, name="wagtail_serve"),
    prefix_default_language=True,
)

handler500 = "elearning.views.server_error"
