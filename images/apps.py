from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        from images import specs  # noqa: F401 - registers the renditions with imagekit
