"""Site pages, the Wagtail admin for our user model and institutions, and security headers."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from accounts.models import Institution, User
from courses.models import CourseIndexPage
from elearning.models import ContentPage, HomePage

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


class TestPageTypes(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {ContentPage, CourseIndexPage})
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})

    def test_pages_render(self):
        from elearning import demo

        home = demo.seed_site()
        # Routing under /ro/ and /en/ is tested through the client in test_i18n.
        self.assertPageIsRenderable(home)
        for page in ContentPage.objects.all():
            self.assertPageIsRenderable(page)


def test_footer_links_point_to_the_page_in_the_active_language(client, demo_site):
    ro = client.get("/ro/").content.decode()
    en = client.get("/en/").content.decode()
    assert 'href="/ro/accesibilitate/"' in ro and 'href="/ro/contact/"' in ro
    assert 'href="/en/accessibility/"' in en and 'href="/en/contact/"' in en


def test_accessibility_statement_exists_in_both_languages(client, demo_site):
    assert "Declarație de accesibilitate" in client.get("/ro/accesibilitate/").content.decode()
    assert "Accessibility statement" in client.get("/en/accessibility/").content.decode()


def test_public_pages_send_security_headers(client, demo_site):
    response = client.get("/ro/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_another_host(client, demo_site):
    html = client.get("/ro/accounts/register/").content.decode()
    for attribute in ("src=", "href="):
        for value in html.split(attribute)[1:]:
            url = value[1:].split(value[0])[0]
            assert not url.startswith(("http://", "https://", "//")), url


def test_admin_pages_load_no_gravatar_avatar(client, demo_site):
    """Wagtail draws avatars from gravatar.com by default: every admin page sent each
    trainer's and coordinator's hashed e-mail address to a third party."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for name in ("wagtailadmin_home", "wagtailadmin_account"):
        assert "gravatar" not in client.get(reverse(name)).content.decode()


def test_no_inline_scripts_on_public_pages(client, demo_site):
    html = client.get("/ro/accounts/register/").content.decode()
    assert "<script>" not in html and "onclick=" not in html


def test_admin_can_create_and_edit_a_user_with_a_professional_profile(client, demo_site):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    institution = Institution.objects.get(name="Tribunalul Cluj")
    assert client.get(reverse("wagtailusers_users:add")).status_code == 200
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "judge@example.org",
            "full_name": "Judecător Ştefan",
            "role": "judge",
            "institution": institution.pk,
            "county": "CJ",
            "preferred_language": "ro",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email="judge@example.org")
    assert user.full_name == "Judecător Ștefan"  # comma-below, as on certificates
    edit = client.get(reverse("wagtailusers_users:edit", args=[user.pk]))
    assert edit.status_code == 200
    assert "Judecător Ștefan" in edit.content.decode()


def test_institutions_are_managed_in_the_admin(client, demo_site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/admin/snippets/accounts/institution/?q=Cluj")
    assert listing.status_code == 200
    assert "Tribunalul Cluj" in listing.content.decode()


def test_learners_cannot_open_the_admin(client, demo_site):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_cached_navigation_follows_publishing(client, demo_site):
    assert 'href="/ro/contact/"' in client.get("/ro/").content.decode()
    contact = ContentPage.objects.get(locale__language_code="ro", slug="contact")
    contact.unpublish()
    assert 'href="/ro/contact/"' not in client.get("/ro/").content.decode()
    contact.save_revision().publish()
    assert 'href="/ro/contact/"' in client.get("/ro/").content.decode()
