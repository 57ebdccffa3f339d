"""Storing a new image's file before its row: all of it, or nothing.

In production the files go to object storage (S3), which can be unreachable while the database
is not. Stored first, inside the admin's transaction, a failure leaves no row behind, and what
was already stored is deleted again.
"""

import logging

from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

# What the media storage raises when it cannot be read or written: S3 unreachable or refusing
# (botocore, boto3's uploader), or a disk that is full or read-only.
STORAGE_ERRORS = (BotoCoreError, ClientError, S3UploadFailedError, OSError)


class ImageNotStored(Exception):
    pass


def store_original(image_file):
    """Store a file just uploaded to an image (not yet stored), before the image's row.

    The row's save then finds it in place, and Django does not upload it again.
    """
    try:
        image_file.save(image_file.name, image_file.file, save=False)
    except STORAGE_ERRORS as error:
        logger.error("Could not store the image %s: %r", image_file.name, error)
        if image_file.name:
            delete_quietly([(image_file.storage, image_file.name)])
        raise ImageNotStored from error


def delete_quietly(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except STORAGE_ERRORS as error:
            logger.error("Could not delete %s after a failed upload: %r", name, error)
