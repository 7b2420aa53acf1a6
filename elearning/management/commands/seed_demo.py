from django.core.management.base import BaseCommand

from elearning import demo


class Command(BaseCommand):
    help = "Create the demo site, institutions and demo accounts. Safe to run again."

    def handle(self, *args, **options):
        demo.seed_site()
        created = demo.seed_institutions()
        users = demo.seed_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo site ready: {created} new institutions, {len(users)} demo accounts."
            )
        )
