import pytest
from django.core.cache import cache
from django.db import transaction


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_root(settings, tmp_path):
    """The test's own folder for the private storage (certificates, exports)."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def media_root(settings, tmp_path, private_root):
    """The test's own MEDIA_ROOT, and its own private folder too (`private_root`)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo site once per run; each test's rollback leaves it in place."""
    with django_db_blocker.unblock():
        seeded_home()


def seeded_home():
    """The Romanian home page of the demo site, seeded again if a transactional test emptied
    the database (its teardown flushes every table)."""
    from elearning import demo
    from elearning.models import HomePage

    home = HomePage.objects.filter(locale__language_code="ro").first()
    if home is None:
        home = demo.seed_site()
        demo.seed_institutions()
    return home


@pytest.fixture
def demo_site(db):
    """Home pages in both languages, footer pages, institutions (re-seeded after a flush)."""
    return seeded_home()


def is_transactional(item) -> bool:
    """pytest-django's rule: the test's data is committed, and flushed after it."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


@pytest.fixture(scope="module")
def module_db(request, django_db_setup, django_db_blocker):
    """A transaction around a whole test module, for data its tests share instead of building
    it each (what Django's TestCase.setUpTestData does for a class). Each test's own
    transaction nests in it as a savepoint, so a test still sees the shared data as built and
    leaves nothing behind; the shared data is rolled back after the module's last test.
    Build the data inside `with module_db.unblock():` (it yields pytest-django's blocker)."""
    flushing = [
        item.name
        for item in request.session.items
        if item.module is request.module and is_transactional(item)
    ]
    if flushing:  # their flush would run inside the open transaction and empty it
        pytest.fail(f"{request.module.__name__}: shared data beside transactional {flushing}")
    with django_db_blocker.unblock():
        shared = transaction.atomic()
        shared.__enter__()
        seeded_home()
    yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        shared.__exit__(None, None, None)
