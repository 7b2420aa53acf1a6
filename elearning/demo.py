"""Demo site: home pages in both languages, the footer pages, institutions and demo accounts.

Every function is idempotent: a second run finds what the first made and changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from accounts.demo_institutions import NATIONAL_INSTITUTIONS, county_institutions
from accounts.models import County, Institution, ProfessionalRole, User
from elearning.infrastructure.reference_index import indexing_once

from .models import ContentPage, HomePage, NavigationSettings

DEMO_PASSWORD = "demo-parola-2026"  # noqa: S105 - demo accounts only, listed in the README

HOME = {
    "ro": {
        "title": "Protecția copiilor împotriva traficului: formare pentru profesioniști",
        "intro": (
            "<p>Cursuri scurte, gratuite, pentru cadrele didactice, polițiștii, procurorii, "
            "judecătorii și specialiștii în protecția copilului care lucrează cu copii. "
            "Învățați să recunoașteți semnele traficului de copii și ce aveți de făcut.</p>"
        ),
        "body": (
            "<h2>Cum funcționează</h2><ul><li>Vă creați un cont și alegeți cursul potrivit "
            "rolului dumneavoastră.</li><li>Parcurgeți lecțiile în ritmul dumneavoastră, în "
            "română sau în engleză; progresul se păstrează.</li><li>La final primiți un "
            "certificat pe care oricine îl poate verifica.</li></ul>"
        ),
    },
    "en": {
        "title": "Protecting children from trafficking: training for professionals",
        "intro": (
            "<p>Short, free courses for teachers, police officers, prosecutors, judges and "
            "child-protection specialists who work with children. Learn to recognise the signs "
            "of child trafficking and what to do.</p>"
        ),
        "body": (
            "<h2>How it works</h2><ul><li>Create an account and choose the course for your "
            "role.</li><li>Work through the lessons at your own pace, in Romanian or English; "
            "your progress is kept.</li><li>At the end you receive a certificate that anyone "
            "can verify.</li></ul>"
        ),
    },
}

ACCESSIBILITY = {
    "ro": {
        "title": "Declarație de accesibilitate",
        "slug": "accesibilitate",
        "summary": "Cum facem platforma utilizabilă de către toți și cum ne puteți semnala o problemă.",
        "body": (
            "<p>Ne angajăm să facem această platformă de formare accesibilă, în conformitate "
            "cu Directiva (UE) 2016/2102 privind accesibilitatea site-urilor web și a "
            "aplicațiilor mobile ale organismelor din sectorul public.</p>"
            "<h2>Stadiul conformității</h2><p>Platforma este parțial conformă cu standardul "
            "WCAG 2.1, nivel AA. Paginile pentru cursanți sunt verificate automat la fiecare "
            "modificare și testate cu tastatura; un audit complet realizat de experți nu a fost "
            "încă efectuat.</p>"
            "<h2>Ce am făcut</h2><ul><li>Toate paginile pot fi folosite doar cu tastatura, au "
            "un link „Salt la conținutul principal” și un contur vizibil pentru elementul "
            "selectat.</li><li>Textul are contrast suficient, iar paginile funcționează pe "
            "ecrane de telefon și la o mărire de 200%.</li><li>Formularele au etichete asociate "
            "câmpurilor, iar erorile sunt anunțate de cititoarele de ecran.</li><li>Fiecare "
            "pagină este disponibilă în română și în engleză.</li></ul>"
            "<h2>Conținut care poate să nu fie accesibil</h2><ul><li>Documentele PDF mai vechi "
            "încărcate de formatori pot să nu aibă structură accesibilă.</li><li>Videoclipurile "
            "opționale din lecții pot să nu aibă subtitrări; conținutul lor este rezumat în "
            "textul lecției.</li></ul>"
            "<h2>Feedback și contact</h2><p>Dacă întâmpinați o problemă de accesibilitate sau "
            "aveți nevoie de un conținut într-un alt format, spuneți-ne prin pagina de contact. "
            "Vă răspundem în cel mult 10 zile lucrătoare.</p>"
            "<h2>Procedura de aplicare</h2><p>Dacă nu sunteți mulțumit de răspunsul nostru, vă "
            "puteți adresa autorității care monitorizează accesibilitatea site-urilor web ale "
            "sectorului public.</p>"
            "<p>Declarație întocmită la 23 noiembrie 2026 și revizuită la fiecare versiune "
            "importantă a platformei.</p>"
        ),
    },
    "en": {
        "title": "Accessibility statement",
        "slug": "accessibility",
        "summary": "How we make the platform usable by everyone, and how to tell us about a problem.",
        "body": (
            "<p>We are committed to making this training platform accessible, in accordance "
            "with Directive (EU) 2016/2102 on the accessibility of the websites and mobile "
            "applications of public sector bodies.</p>"
            "<h2>Compliance status</h2><p>The platform is partially compliant with WCAG 2.1 "
            "level AA. Learner pages are checked automatically with every change and tested "
            "with the keyboard; a full expert audit has not yet been carried out.</p>"
            "<h2>What we have done</h2><ul><li>Every page can be used with the keyboard alone, "
            "has a “Skip to main content” link and a visible outline on the focused element."
            "</li><li>Text has sufficient contrast, and pages work on phone screens and at 200% "
            "zoom.</li><li>Form fields have labels, and errors are announced by screen "
            "readers.</li><li>Every page is available in Romanian and in English.</li></ul>"
            "<h2>Content that may not be accessible</h2><ul><li>Older PDF documents uploaded "
            "by trainers may lack an accessible structure.</li><li>Optional videos in lessons "
            "may lack captions; their content is summarised in the lesson text.</li></ul>"
            "<h2>Feedback and contact</h2><p>If you meet an accessibility problem or need "
            "content in another format, tell us through the contact page. We answer within 10 "
            "working days.</p>"
            "<h2>Enforcement procedure</h2><p>If you are not satisfied with our answer, you "
            "can turn to the authority that monitors the accessibility of public-sector "
            "websites.</p>"
            "<p>Statement prepared on 23 November 2026 and reviewed with every major release "
            "of the platform.</p>"
        ),
    },
}

CONTACT = {
    "ro": {
        "title": "Contact",
        "slug": "contact",
        "summary": "Unde cereți ajutor pentru platformă și pe cine sunați când un copil este în pericol.",
        "body": (
            "<h2>Ajutor pentru platformă</h2><p>Pentru întrebări despre cont, cursuri sau "
            "certificate, adresați-vă coordonatorului de formare din instituția sau județul "
            "dumneavoastră.</p>"
            "<h2>Când un copil este în pericol</h2><ul><li>Urgențe: <b>112</b>.</li><li>Linia "
            "telefonică gratuită a Agenției Naționale împotriva Traficului de Persoane: "
            "<b>0800 800 678</b>.</li></ul>"
            "<p>Această platformă este doar pentru formare: nu introduceți aici date despre "
            "victime sau despre cazuri.</p>"
        ),
    },
    "en": {
        "title": "Contact",
        "slug": "contact",
        "summary": "Where to ask for help with the platform, and whom to call when a child is in danger.",
        "body": (
            "<h2>Help with the platform</h2><p>For questions about your account, the courses "
            "or certificates, ask the training coordinator of your institution or county.</p>"
            "<h2>When a child is in danger</h2><ul><li>Emergencies: <b>112</b>.</li><li>The "
            "free helpline of the National Agency against Trafficking in Persons: "
            "<b>0800 800 678</b>.</li></ul>"
            "<p>This platform is for training only: do not enter data about victims or cases "
            "here.</p>"
        ),
    },
}


def _rich(html: str) -> list[dict]:
    return [{"type": "rich_text", "value": html}]


def locales() -> tuple[Locale, Locale]:
    ro, _ = Locale.objects.get_or_create(language_code="ro")
    en, _ = Locale.objects.get_or_create(language_code="en")
    return ro, en


def _translate(page: Page, locale: Locale, fields: dict) -> Page:
    """The page's translation in `locale`, created (and published) when missing."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
    return translation.specific


@transaction.atomic
@indexing_once
def seed_site() -> HomePage:
    """Home pages for /ro/ and /en/, the accessibility statement and contact pages."""
    ro, en = locales()
    # Wagtail's migrations create the root page and collection; a flushed database has neither.
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=ro)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    home = HomePage.objects.filter(locale=ro).first()
    if home is None:
        # Replace Wagtail's placeholder "Welcome" page.
        for placeholder in root.get_children().exact_type(Page):
            placeholder.delete()
        home = HomePage(
            title=HOME["ro"]["title"],
            slug="acasa",
            locale=ro,
            intro=HOME["ro"]["intro"],
            body=_rich(HOME["ro"]["body"]),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Formare"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    _translate(
        home,
        en,
        {
            "title": HOME["en"]["title"],
            "slug": "home",
            "intro": HOME["en"]["intro"],
            "body": _rich(HOME["en"]["body"]),
        },
    )

    pages = {}
    for key, texts in (("accessibility", ACCESSIBILITY), ("contact", CONTACT)):
        page = ContentPage.objects.filter(locale=ro, slug=texts["ro"]["slug"]).first()
        if page is None:
            page = ContentPage(
                title=texts["ro"]["title"],
                slug=texts["ro"]["slug"],
                locale=ro,
                summary=texts["ro"]["summary"],
                body=_rich(texts["ro"]["body"]),
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        _translate(
            page,
            en,
            {
                "title": texts["en"]["title"],
                "slug": texts["en"]["slug"],
                "summary": texts["en"]["summary"],
                "body": _rich(texts["en"]["body"]),
            },
        )
        pages[key] = page

    footer = NavigationSettings.for_site(site)
    if footer.accessibility_page_id is None or footer.contact_page_id is None:
        footer.accessibility_page = footer.accessibility_page or pages["accessibility"]
        footer.contact_page = footer.contact_page or pages["contact"]
        footer.save()
    return home


@transaction.atomic
def seed_institutions() -> int:
    """The county institutions and a few national ones; returns how many were created."""
    created = 0
    for code, name in County.choices:
        label = "București" if code == County.B else name
        for institution_name, kind in county_institutions(code, label):
            _obj, was_created = Institution.objects.get_or_create(
                name=institution_name, county=code, defaults={"type": kind}
            )
            created += was_created
    for institution_name, kind, county in NATIONAL_INSTITUTIONS:
        _obj, was_created = Institution.objects.get_or_create(
            name=institution_name, county=county, defaults={"type": kind}
        )
        created += was_created
    return created


def _group(name: str, *codenames: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    for codename in codenames:
        app_label, code = codename.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=code)
        group.permissions.add(permission)
    return group


DEMO_LEARNERS = [
    (
        "profesor@demo.local",
        "Ana-Maria Popescu",
        ProfessionalRole.TEACHER,
        County.CJ,
        "Inspectoratul Școlar Județean Cluj",
    ),
    (
        "politist@demo.local",
        "Mihai Ionescu",
        ProfessionalRole.POLICE_OFFICER,
        County.IS,
        "Inspectoratul de Poliție Județean Iași",
    ),
    (
        "procuror@demo.local",
        "Elena Dumitrescu",
        ProfessionalRole.PROSECUTOR,
        County.B,
        "Parchetul de pe lângă Tribunalul București",
    ),
    (
        "judecator@demo.local",
        "Radu Stănescu",
        ProfessionalRole.JUDGE,
        County.TM,
        "Tribunalul Timiș",
    ),
    (
        "asistent@demo.local",
        "Ioana Țurcanu",
        ProfessionalRole.SOCIAL_WORKER,
        County.CJ,
        "Direcția Generală de Asistență Socială și Protecția Copilului Cluj",
    ),
    ("altul@demo.local", "Ștefan Mureșan", ProfessionalRole.OTHER, County.BV, ""),
    # Certified two years ago: her certificate expires in about 20 days, so "My learning" offers
    # the renewal (courses.demo.seed_demo_runs and the seeds after it give her the history).
    (
        "reinnoire@demo.local",
        "Gabriela Marin",
        ProfessionalRole.POLICE_OFFICER,
        County.CJ,
        "Inspectoratul de Poliție Județean Cluj",
    ),
]


def seed_editorial_workflow(editors: Group, moderators: Group) -> None:
    """Trainers (Editors) write and submit; reviewers (Moderators) approve and publish.

    Wagtail's own migrations set this up on a fresh database; this makes sure of it, since
    the demo relies on it (a page submitted by a trainer goes to a reviewer for approval).
    """
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root = Page.get_first_root_node()
    page_permissions = {
        editors: ["add_page", "change_page", "lock_page", "view_page"],
        moderators: [
            "add_page",
            "change_page",
            "publish_page",
            "lock_page",
            "unlock_page",
            "view_page",
        ],
    }
    for group, codenames in page_permissions.items():
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    for group in (editors, moderators):
        for codename in ("wagtailadmin.access_admin", "simple_translation.submit_translation"):
            app_label, code = codename.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=code)
            )
    if not WorkflowPage.objects.filter(page=root).exists():
        workflow = Workflow.objects.filter(name="Moderators approval").first()
        if workflow is None:
            workflow = Workflow.objects.create(name="Moderators approval")
        WorkflowPage.objects.create(workflow=workflow, page=root)
    workflow = WorkflowPage.objects.get(page=root).workflow
    # A workflow without a task finishes as soon as it starts, publishing the page: a trainer's
    # submission would then be refused, and anybody else's would go live unreviewed. The
    # task is saved through its own manager: `workflow.workflow_tasks.create()` is
    # modelcluster's in-memory one and never reaches the database.
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


@transaction.atomic
def seed_accounts() -> list[User]:
    """Demo accounts (password DEMO_PASSWORD): a learner per role, trainer, coordinator, admin."""
    editors = Group.objects.filter(name="Editors").first() or _group(
        "Editors", "wagtailadmin.access_admin"
    )
    moderators = Group.objects.filter(name="Moderators").first() or _group(
        "Moderators", "wagtailadmin.access_admin"
    )
    coordinators = _group("Coordinators", "wagtailadmin.access_admin")
    seed_editorial_workflow(editors, moderators)

    def account(email, full_name, role, county, institution_name="", groups=(), **extra):
        user = User.objects.filter(email=email).first()
        if user is None:
            institution = Institution.objects.filter(name=institution_name).first()
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                county=county,
                institution=institution,
                institution_other="" if institution else "Primăria Municipiului Brașov",
                **extra,
            )
            user.groups.add(*groups)
        return user

    users = [account(*row) for row in DEMO_LEARNERS]
    users.append(
        account(
            "formator@demo.local",
            "Cristina Vasilescu",
            ProfessionalRole.OTHER,
            County.B,
            "Agenția Națională împotriva Traficului de Persoane",
            groups=[editors],
        )
    )
    users.append(
        account(
            "evaluator@demo.local",
            "Dan Georgescu",
            ProfessionalRole.OTHER,
            County.B,
            "Agenția Națională împotriva Traficului de Persoane",
            groups=[moderators],
        )
    )
    users.append(
        account(
            "coordonator@demo.local",
            "Maria Pop",
            ProfessionalRole.OTHER,
            County.CJ,
            "Inspectoratul Școlar Județean Cluj",
            groups=[coordinators],
        )
    )
    users.append(
        account(
            "admin@demo.local",
            "Administrator Demo",
            ProfessionalRole.OTHER,
            County.B,
            "Agenția Națională împotriva Traficului de Persoane",
            is_staff=True,
            is_superuser=True,
        )
    )
    return users
