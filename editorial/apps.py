from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from editorial.changes import content_changed

        # Any change to public content, whoever makes it, starts a new generation.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"content-changed-{signal}")
