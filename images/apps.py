from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = _("Media library")
    # An image's alt text, caption or credit is part of every page that shows it.
    public_content = True

    def ready(self):
        from editorial.richtext import image_hooks
        from images import (
            richtext,
            specs,  # noqa: F401 - registers the renditions with imagekit
        )

        image_hooks.update(store=richtext.store, refresh=richtext.refresh, render=richtext.render)
