"""Queue the renditions of every library image that has none yet (or none for its focal point).

Run after a deploy whose migrations moved images into the library, or after media were
restored from elsewhere: pages show the stored copies until the worker has made them.
"""

from django.core.management.base import BaseCommand

from images.models import Image
from images.tasks import make_renditions


class Command(BaseCommand):
    help = "Queue the renditions of every library image that lacks them."

    def handle(self, *args, **options):
        queued = 0
        for image in Image.objects.only("pk", "file", "focal_x", "focal_y", "renditions_of"):
            if not image.has_renditions:
                make_renditions.enqueue(image.pk)
                queued += 1
        self.stdout.write(f"Queued the renditions of {queued} images.")
