import io
import os
import re
import struct
import subprocess
import sys
import zlib

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import ExifTags, Image, ImageCms

from images.forms import ImageForm
from images.models import Image as LibraryImage
from images.processing import without_metadata
from images.specs import renditions
from images.tasks import make_renditions
from images.validation import validate_image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # imagekit remembers in the cache which renditions exist; each test starts with empty media.
    cache.clear()
    return tmp_path


def image_bytes(size=(60, 40), image_format="JPEG", mode="RGB", **save_options):
    output = io.BytesIO()
    Image.new(mode, size, "navy").save(output, image_format, **save_options)
    return output.getvalue()


def upload(content, name="photo.jpg"):
    return SimpleUploadedFile(name, content)


def png_declaring(width, height):
    """A PNG of a few dozen bytes whose header claims width × height pixels."""

    def chunk(kind, data):
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def refusal(file):
    with pytest.raises(ValidationError) as refused:
        validate_image_upload(file)
    return " ".join(refused.value.messages)


# Validation ---------------------------------------------------------------------------------


def test_decompression_bomb_is_refused_with_a_sentence():
    bomb = upload(png_declaring(30_000, 30_000), "photo.png")
    assert len(bomb) < 100
    assert "This image is too large in pixels" in refusal(bomb)


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_warning_is_a_refusal_too(settings):
    # Between Pillow's two thresholds it only warns; a server run with -W error raises it.
    settings.MAX_IMAGE_PIXELS = 200_000_000  # so that only Pillow's warning can refuse it
    bomb = upload(png_declaring(10_000, 10_000), "photo.png")
    assert "This image is too large in pixels" in refusal(bomb)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"this is not an image"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("photo.jpg", image_bytes(image_format="GIF")),
    ],
    ids=["text-named-png", "svg", "gif-named-jpg"],
)
def test_files_that_are_not_jpeg_png_or_webp_are_refused(name, content):
    assert "This file is not a JPEG, PNG or WebP image" in refusal(upload(content, name))


def test_truncated_jpeg_is_refused():
    whole = image_bytes(size=(200, 200))
    assert "damaged or incomplete" in refusal(upload(whole[: len(whole) // 2]))


def test_image_over_the_byte_limit_is_refused(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    assert "the limit is 100\xa0bytes" in refusal(upload(image_bytes()))


def test_image_over_the_pixel_limit_is_refused(settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    too_big = upload(image_bytes(size=(1001, 1000), image_format="PNG"), "photo.png")
    assert "the limit is 1 megapixels" in refusal(too_big)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_rewound(image_format):
    file = upload(image_bytes(image_format=image_format), "named-wrongly.gif")
    validate_image_upload(file)
    assert file.tell() == 0


# The stored copy ----------------------------------------------------------------------------


def photo_with_location(size=(40, 20), orientation=1):
    """A JPEG as a phone saves it: GPS position, camera, orientation, XMP, comment, profile."""
    picture = Image.new("RGB", size, "blue")
    picture.paste("red", (0, 0, size[0] // 2, size[1]))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (41.0, 18.0, 0.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (69.0, 16.0, 0.0),
        }
    )
    output = io.BytesIO()
    picture.save(
        output,
        "JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>',
        comment="Taken at home",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return output.getvalue()


def test_stored_copy_has_no_location_camera_data_or_comments():
    original = photo_with_location()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry them

    stored = without_metadata(upload(original))

    with Image.open(stored) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
        assert not after.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "comment", "icc_profile"} & after.info.keys()
    assert b"PhoneMaker" not in stored.read()


def test_stored_copy_is_turned_upright():
    # Orientation 6: the camera was turned, viewers rotate the picture 90° clockwise.
    stored = without_metadata(upload(photo_with_location(size=(40, 20), orientation=6)))
    with Image.open(stored) as after:
        assert after.size == (20, 40)
        red, green, blue = after.getpixel((10, 5))  # the red left half is now on top
        assert red > 200 and blue < 60


def test_transparent_palette_png_stays_transparent():
    logo = image_bytes(size=(40, 20), image_format="PNG", mode="P", transparency=0)
    with Image.open(without_metadata(upload(logo, "logo.png"))) as stored:
        assert stored.getpixel((0, 0))[3] == 0


def test_stored_copy_is_named_safely_after_its_real_format():
    stored = without_metadata(upload(image_bytes(image_format="PNG"), "../My Photo (final).JPG"))
    assert stored.name == "my-photo-final.png"


# Renditions and the page --------------------------------------------------------------------


def upload_through_form(content, name="photo.jpg", instance=None, **fields):
    """The library's form, as the admin builds it; saved (and renditions made) if valid."""
    form_class = forms.modelform_factory(
        LibraryImage,
        form=ImageForm,
        fields=[
            "file",
            "title",
            "alt_text_en",
            "alt_text_ru",
            "is_decorative",
            "caption_en",
            "caption_ru",
            "credit_en",
        ],
    )
    data = {"title": "Border post", "alt_text_en": "Officers at a border post", **fields}
    files = {"file": upload(content, name)} if content else {}
    form = form_class(data, files, instance=instance)
    if form.is_valid():
        image = form.save()
        make_renditions.call(image.pk)
        image.refresh_from_db()
        form.instance = image
    return form


def stored_size_and_format(file):
    with default_storage.open(file.name) as stored, Image.open(stored) as picture:
        return picture.width, picture.format


def test_renditions_are_registered_as_soon_as_django_starts(settings):
    # Else the task that makes renditions in the worker finds no generator for them.
    code = "import sys, django; django.setup(); print('images.specs' in sys.modules)"
    started = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "unodc_site.settings"},
    )
    assert started.stdout.strip() == "True"


def test_form_refuses_a_decompression_bomb_with_a_sentence():
    form = upload_through_form(png_declaring(30_000, 30_000), "photo.png")
    assert "This image is too large in pixels" in " ".join(form.errors["file"])


def test_form_stores_a_clean_copy_and_renditions_at_each_width():
    image = upload_through_form(photo_with_location(size=(1000, 500))).instance
    assert re.fullmatch(r"images/\d{4}/photo(_\w+)?\.jpg", image.file.name)
    with image.file.open() as stored, Image.open(stored) as picture:
        assert not picture.getexif()

    webp = renditions(image.file, width=image.width, as_webp=True)
    fallback = renditions(image.file, width=image.width, as_webp=False)
    assert [width for _, width in webp] == [480, 960, 1000]
    assert [stored_size_and_format(file) for file, _ in webp] == [
        (480, "WEBP"),
        (960, "WEBP"),
        (1000, "WEBP"),
    ]
    assert [stored_size_and_format(file) for file, _ in fallback] == [
        (480, "JPEG"),
        (960, "JPEG"),
        (1000, "JPEG"),
    ]


def test_form_takes_a_file_whatever_the_length_of_its_name():
    long_name = "Border post at Dostyk, officers checking a lorry " * 4 + ".jpg"
    form = upload_through_form(image_bytes(), long_name)
    assert form.is_valid(), form.errors
    assert re.fullmatch(r"images/\d{4}/border-post-[\w-]+\.jpg", form.instance.file.name)
    assert len(form.instance.file.name) <= 100


def test_renditions_of_a_small_png_are_never_wider_than_it():
    image = upload_through_form(image_bytes((300, 200), "PNG"), "logo.png").instance
    assert [
        stored_size_and_format(file)
        for file, _ in renditions(image.file, width=image.width, as_webp=True)
    ] == [(300, "WEBP")]
    fallback = renditions(image.file, width=image.width, as_webp=False)
    assert [stored_size_and_format(file) for file, _ in fallback] == [(300, "PNG")]


def test_form_leaves_an_unchanged_image_alone():
    image = upload_through_form(image_bytes()).instance
    stored_name = image.file.name
    form = upload_through_form(None, instance=image, caption_en="A new caption")
    assert form.is_valid(), form.errors
    image.refresh_from_db()
    assert (image.file.name, image.caption) == (stored_name, "A new caption")


def test_alt_text_is_required_unless_the_image_is_decorative():
    form = upload_through_form(image_bytes(), alt_text_en="")
    assert "Add alt text for the image" in str(form.errors)
    assert upload_through_form(image_bytes(), alt_text_en="", is_decorative="on").is_valid()


def render_image(item):
    template = Template(
        '{% load images %}{% responsive_image item sizes="(min-width: 60rem) 58rem, 100vw" %}'
    )
    return template.render(Context({"item": item}))


def test_responsive_image_lists_renditions_with_sizes_dimensions_and_alt(make_news):
    image = upload_through_form(
        image_bytes(size=(1000, 500)), caption_en="Border post at Dostyk", credit_en="Photo: UNODC"
    ).instance

    html = render_image(make_news(image=image))

    assert re.search(
        r'<source type="image/webp" srcset="/media/CACHE/images/\S+\.webp 480w, '
        r'\S+\.webp 960w, \S+\.webp 1000w" sizes="\(min-width: 60rem\) 58rem, 100vw">',
        html,
    )
    assert re.search(
        r'<img src="\S+\.jpg" srcset="\S+\.jpg 480w, \S+\.jpg 960w, \S+\.jpg 1000w"', html
    )
    assert 'alt="Officers at a border post" width="1000" height="500"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert (
        '<figcaption>Border post at Dostyk <span class="credit">Photo: UNODC</span></figcaption>'
        in html
    )


def test_before_its_renditions_are_made_the_stored_copy_is_shown_sized(make_news):
    image = upload_through_form(image_bytes(size=(1000, 500))).instance
    LibraryImage.objects.filter(pk=image.pk).update(renditions_of="")
    image.refresh_from_db()

    html = render_image(make_news(image=image))

    assert f'<img src="/media/{image.file.name}" alt="Officers at a border post"' in html
    assert 'width="1000" height="500"' in html
    assert "srcset" not in html and "CACHE" not in html  # no link to a file not yet made


def test_decorative_image_has_empty_alt_text(make_news):
    image = upload_through_form(image_bytes(), is_decorative="on").instance
    html = render_image(make_news(image=image))
    assert 'alt=""' in html
    assert "Officers at a border post" not in html
    assert "<figcaption>" not in html


def test_item_without_image_renders_no_figure(make_news):
    assert "<figure" not in render_image(make_news())


def test_russian_page_shows_the_russian_alt_text_and_caption(client, make_news):
    image = upload_through_form(
        image_bytes(size=(1000, 500)),
        alt_text_ru="Сотрудники на пограничном посту",
        caption_ru="Пограничный пост",
    ).instance
    item = make_news(image=image, title_ru="Новость")
    response = client.get(item.get_absolute_url().replace("/en/", "/ru/"))
    assert 'alt="Сотрудники на пограничном посту"' in response.text
    assert "Пограничный пост" in response.text


def test_news_page_with_an_image_shows_it_responsively(client, make_news):
    item = make_news(image=upload_through_form(image_bytes(size=(1000, 500))).instance)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert '<source type="image/webp"' in response.text
    assert 'alt="Officers at a border post" width="1000" height="500"' in response.text


def test_programme_page_with_an_image_shows_it(client, programme):
    programme.image = upload_through_form(
        image_bytes(size=(1000, 500)), alt_text_en="Signing ceremony"
    ).instance
    programme.save()
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    assert 'alt="Signing ceremony" width="1000" height="500"' in response.text


def test_after_a_form_error_the_form_says_the_file_must_be_chosen_again():
    # Alt text missing: the form comes back, and a browser cannot refill the file box.
    form = upload_through_form(image_bytes(), alt_text_en="")
    assert "choose it again before saving" in str(form.errors["file"])
    # Nothing to say when no new file was chosen.
    image = upload_through_form(image_bytes()).instance
    form = upload_through_form(None, instance=image, alt_text_en="", caption_en="x" * 1000)
    assert "file" not in form.errors
