from django.core.management.base import BaseCommand, CommandError

from unodc_site.seed import SeedError, seed


class Command(BaseCommand):
    help = (
        "Create the site's first records from the documents in sources/documents/ "
        "(idempotent: existing records are never changed)."
    )

    def handle(self, *args, **options):
        try:
            created = seed()
        except SeedError as error:
            raise CommandError(f"Nothing was saved. {error}") from error
        if not any(created.values()):
            self.stdout.write("Seed: everything was already there; nothing changed.")
            return
        summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Seed: created {summary}."))
