"""Making an image's renditions in the background (Django's tasks framework).

Pages never wait for them: until an image's renditions_of matches its file and focal point,
they show the stored copy itself, sized, so nothing is broken meanwhile.
"""

import datetime
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from imagekit.cachefiles import ImageCacheFile

from editorial import changes
from images.models import Image
from images.specs import all_specs
from images.storage import STORAGE_ERRORS

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task
def make_renditions(image_id, attempt=1):
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.has_renditions or not image.file:
        return
    key = image.rendition_key()
    try:
        for spec in all_specs():
            rendition = ImageCacheFile(spec(source=image.file))
            # Asked of the storage, not of imagekit's cache, which still says "being made" of
            # the one an earlier attempt failed on; one that attempt stored is not made twice.
            if not rendition.storage.exists(rendition.name):
                rendition.generate(force=True)
    except STORAGE_ERRORS as error:
        retry = attempt < MAX_ATTEMPTS and make_renditions.get_backend().supports_defer
        logger.error(
            "Could not make the renditions of image %s (attempt %s)%s: %r",
            image_id,
            attempt,
            ": trying again later" if retry else "",
            error,
        )
        if retry:
            make_renditions.using(
                run_after=timezone.now() + datetime.timedelta(minutes=attempt)
            ).enqueue(image_id, attempt + 1)
        return
    # Only if the image is still the one they were made for: a new focal point meanwhile
    # has its own task. Cached pages showing the stored copy then link to the renditions.
    made = Image.objects.filter(
        pk=image_id, file=image.file.name, focal_x=image.focal_x, focal_y=image.focal_y
    ).update(renditions_of=key)
    if made:
        changes.invalidate(schedule_changed=False)


def renditions_needed(image):
    """Call after an image's file or focal point has changed and its row is saved."""
    transaction.on_commit(lambda: make_renditions.enqueue(image.pk))
