"""Security headers Django does not set itself, and the locale middleware we use."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.translation import get_language_from_path

# No inline scripts and nothing from another host.
_PUBLIC_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PUBLIC_CSP = "; ".join(f"{name} {value}" for name, value in _PUBLIC_DIRECTIVES.items())

# Wagtail's admin: the public policy, except where Wagtail 8 needs more. It writes inline
# scripts (date pickers, inline panels, page listings) and its jQuery runs those in HTML it
# fetches (choosers, new StreamField blocks), and a bundled library injects <style> elements:
# inline scripts and styles are allowed, but no inline event handler (script-src-attr), no
# eval, nothing from another host. The admin frames its own pages (the preview panel) and
# shows images it has just read from disk (upload previews: data: and blob:).
_ADMIN_DIRECTIVES = {
    **_PUBLIC_DIRECTIVES,
    "script-src": "'self' 'unsafe-inline'",
    "script-src-attr": "'none'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "frame-ancestors": "'self'",
}
ADMIN_CSP = "; ".join(f"{name} {value}" for name, value in _ADMIN_DIRECTIVES.items())
ADMIN_PREFIXES = ("/admin/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A page preview is rendered through a fake request with the page's own path, then shown
        # in the admin's preview panel, an iframe: "frame-ancestors 'none'" would blank it.
        if request.path.startswith(ADMIN_PREFIXES):
            response.setdefault("Content-Security-Policy", ADMIN_CSP)
        elif not getattr(request, "is_preview", False):
            response.setdefault("Content-Security-Policy", PUBLIC_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that a 404 from a view outside /ro/ and /en/ (certificate
    verification, downloads) stays a 404: Django would redirect it to /ro/<path>, which
    Wagtail's catch-all always accepts."""

    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None) is not None:
            if get_language_from_path(request.path_info) is None:
                return response
        return super().process_response(request, response)
