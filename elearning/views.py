"""The platform's own views: Wagtail's pages served through the cached route, and the error
page that tells an outage from a bug."""

from django.http import HttpResponse


# What "a service is down" looks like from Django: the database or Redis (cache, sessions)
# refusing or dropping connections.
def _service_unavailable(error) -> bool:
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    if isinstance(error, OperationalError):
        return _database_unreachable(error)
    return isinstance(error, InterfaceError | RedisConnectionError | RedisTimeoutError)


# PostgreSQL's SQLSTATE classes of a server that cannot serve: connection exception,
# insufficient resources (too many connections, disk full), operator intervention (shutdown).
_OUTAGE_SQLSTATE_CLASSES = {"08", "53", "57"}
# SQLite's: the file is locked by another writer, cannot be opened, or cannot be read/written.
_OUTAGE_SQLITE_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def _database_unreachable(error) -> bool:
    """OperationalError also covers statements the database rejects (SQLite's syntax errors,
    an FTS5 search syntax error among them): those are bugs, a 500, not the outage page."""
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES
    sqlite_error = getattr(cause, "sqlite_errorname", None)
    if sqlite_error:
        return sqlite_error.startswith(_OUTAGE_SQLITE_ERRORS)
    # psycopg gives no SQLSTATE when the server never answered (refused, lost, timed out).
    return True


def server_error(request):
    """handler500. An outage (database or Redis not answering) is not a bug: it answers 503
    with Retry-After, so browsers and proxies retry, and says the saved progress is safe. Both
    pages are plain templates that need neither the database nor the cache."""
    import sys

    from django.template.loader import render_to_string

    if _service_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def serve_page(request, path):
    """Wagtail's page view, with the route (URL path → page) looked up in the cache first.

    Everything else is Wagtail's own `serve`: its hooks, the view-restriction check, the page's
    `serve()`. See `elearning.infrastructure.caching.serving`.
    """
    from wagtail.views import serve

    from .infrastructure.caching.serving import route_for_request

    route_for_request(request, path)
    return serve(request, path)
