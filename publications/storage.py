"""Where publication files and their covers are kept: a storage of their own, never served
under MEDIA_URL. Only publications.views hands a file out, and only a published one's."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileStorage(FileSystemStorage):
    """A folder on disk at PUBLICATION_FILES_ROOT, with no URL: read each time the setting
    changes, as Django's own storage reads MEDIA_ROOT."""

    def __init__(self, **options):
        super().__init__(base_url=None, **options)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PUBLICATION_FILES_ROOT)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Publication files have no public URL: publications.views serves them.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PUBLICATION_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    return storages["publication_files"]
