import pytest
from django.core.cache import cache


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
    from elearning import demo

    with django_db_blocker.unblock():
        demo.seed_site()
        demo.seed_institutions()


@pytest.fixture
def demo_site(db):
    """Home pages in both languages, footer pages, institutions (re-seeded after a flush)."""
    from elearning import demo
    from elearning.models import HomePage

    home = HomePage.objects.filter(locale__language_code="ro").first()
    if home is None:  # a transactional test emptied the database
        home = demo.seed_site()
        demo.seed_institutions()
    return home
