import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Local development only: create or reset the 'admin' superuser with a new password."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "localadmin runs only with DEBUG=true; use createsuperuser elsewhere."
            )
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username="admin", defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {options['url']}  user: admin  password: {password}  "
                "(a new password each time `make run` starts)"
            )
        )
