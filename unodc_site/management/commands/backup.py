from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils import timezone

from unodc_site.backups import BackupError, write_archive


class Command(BaseCommand):
    help = (
        "Write the database and every file of the media storage to one .tar.gz archive, "
        "with a manifest of checksums (see README: Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write, or a directory for it (default: BACKUP_DIR).",
        )

    def handle(self, *args, output=None, **options):
        path = self.archive_path(output)
        try:
            manifest = write_archive(path)
        except BackupError as error:
            raise CommandError(f"No backup was written. {error}") from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path} ({filesizeformat(path.stat().st_size)}): "
                f"{rows} rows in {len(manifest['tables'])} tables, "
                f"{len(manifest['media'])} media file{pluralize(len(manifest['media']))}."
            )
        )

    def archive_path(self, output):
        name = f"unodc-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        if output is None:
            path = Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "backups")) / name
        else:
            path = Path(output)
            if path.is_dir():
                path /= name
        if path.exists():
            raise CommandError(f"{path} already exists; a backup never replaces another.")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the directory {path.parent}: {error}.") from error
        return path
