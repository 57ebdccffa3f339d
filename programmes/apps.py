from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
