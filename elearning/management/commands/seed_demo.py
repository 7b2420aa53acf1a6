from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from elearning import demo
from elearning.infrastructure.reference_index import indexed_once

# Each app that ships demo content adds its seed function here, in dependency order.
APP_SEEDS = [
    "courses.demo.seed_courses",
    "quizzes.demo.seed_quizzes",
    "quizzes.demo.seed_scenarios",
    "certificates.demo.seed_certificate_design",
    # The demo learner whose certificate is about to expire: runs, then scores, then certificates.
    "courses.demo.seed_demo_runs",
    "quizzes.demo.seed_demo_run_attempts",
    "certificates.demo.seed_demo_run_certificates",
    "reports.demo.seed_coordinator_scopes",
    "reports.demo.seed_report_cohort",
    "surveys.demo.seed_demo_surveys",
    "retention.demo.seed_demo_retention",
]


class Command(BaseCommand):
    help = "Create the demo site, institutions, accounts and starter courses. Safe to run again."

    def handle(self, *args, **options):
        # Each page of the demo enters Wagtail's reference index once, not once per row saved.
        with indexed_once():
            self.seed()

    def seed(self):
        demo.seed_site()
        created = demo.seed_institutions()
        users = demo.seed_accounts()
        for path in APP_SEEDS:
            if apps.is_installed(path.split(".")[0]):
                import_string(path)()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo site ready: {created} new institutions, {len(users)} demo accounts."
            )
        )
