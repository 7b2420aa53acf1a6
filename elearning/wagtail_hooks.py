from wagtail import hooks

from .infrastructure.caching.serving import serve_with_cached_view_restrictions

# Outside Wagtail's own view-restriction check (order 0), to hand it the cached restrictions.
hooks.register("on_serve_page", serve_with_cached_view_restrictions, order=-1)
