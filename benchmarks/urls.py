"""The project's URLs plus a minimal reference view, served through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from elearning.urls import handler500  # noqa: F401 - outages answer 503 here too
from elearning.urls import urlpatterns as project_urlpatterns


def ping(request):
    """The floor: what any Django view costs through this server and middleware stack."""
    return HttpResponse("ok")


urlpatterns = [path("bench/ping/", ping), *project_urlpatterns]
