"""Storing an item's new image and its renditions before the item: all of it, or nothing.

In production the files go to object storage (S3), which can be unreachable while the database
is not. Stored first, inside the admin's transaction, a failure leaves no row behind, and what
was already stored is deleted again.
"""

import logging

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import BotoCoreError, ClientError
from imagekit.cachefiles import ImageCacheFile

from images.specs import SPECS

logger = logging.getLogger(__name__)

# What the media storage raises when it cannot be read or written: S3 unreachable or refusing
# (botocore, boto3's uploader), or a disk that is full or read-only.
STORAGE_ERRORS = (BotoCoreError, ClientError, S3UploadFailedError, OSError)


class ImageNotStored(Exception):
    pass


def store_with_renditions(image):
    """Store an image just assigned to an item (not yet stored), then make every rendition.

    The item's save then finds them in place: Django does not upload the image again, and
    imagekit, which would make the renditions after the save, finds them made.
    """
    stored = []
    try:
        image.save(image.name, image.file, save=False)
        stored.append((image.storage, image.name))
        for spec in SPECS.values():
            rendition = ImageCacheFile(spec(source=image))
            rendition.generate(force=True)
            stored.append((rendition.storage, rendition.name))
    except STORAGE_ERRORS as error:
        logger.error("Could not store the image %s: %r", image.name, error)
        delete_quietly(stored)
        raise ImageNotStored from error


def delete_quietly(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except STORAGE_ERRORS as error:
            logger.error("Could not delete %s after a failed upload: %r", name, error)
