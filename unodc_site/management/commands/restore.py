import datetime
import sys
import tempfile

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.template.defaultfilters import pluralize
from django.utils import timezone

from unodc_site.backups import BackupError, restore_archive, unapplied_migrations, unpack


class Command(BaseCommand):
    help = (
        "Replace the database and every file of the media storage with a backup made by "
        "`manage.py backup`, after checking the archive against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the current data without asking.",
        )

    def handle(self, *args, archive, yes, **options):
        with tempfile.TemporaryDirectory() as unpacked:
            try:
                manifest = unpack(archive, unpacked)
            except BackupError as error:
                raise CommandError(error) from error
            created = timezone.localtime(datetime.datetime.fromisoformat(manifest["created"]))
            files = len(manifest["media"])
            summary = (
                f"the backup of {created:%Y-%m-%d %H:%M} ({len(manifest['tables'])} tables, "
                f"{files} media file{pluralize(files)})"
            )
            self.stdout.write(f"{archive} is {summary}; it matches its manifest.")
            if not yes:
                self.confirm()
            try:
                restore_archive(unpacked, manifest)
            except BackupError as error:
                raise CommandError(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary}: every table and media file matches the backup."
            )
        )
        if unapplied_migrations():
            self.stdout.write(
                self.style.WARNING(
                    "The backup predates some migrations of this version: "
                    "run `manage.py migrate` before serving the site."
                )
            )

    def confirm(self):
        if not sys.stdin.isatty():
            raise CommandError(
                "Nothing was changed: a restore replaces the current database and media files. "
                "Run it again with --yes to confirm."
            )
        bucket = getattr(default_storage, "bucket_name", None)
        storage = f"the bucket {bucket}" if bucket else default_storage.location
        answer = input(
            f"This replaces every table of the database {connection.settings_dict['NAME']} and "
            f"every file in {storage}. Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
