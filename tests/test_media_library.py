"""The media library: images uploaded once, chosen by many items, never deleted from under one."""

import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from editorial.admin import changes_between
from editorial.models import Draft
from images.models import Image, Tag
from images.specs import SOCIAL, around_focal_point, social, thumbnail
from images.tasks import make_renditions
from news.models import NewsItem
from tests.conftest import picture_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:images_image_add")


def upload_data(content=None, name="border.jpg", **fields):
    return {
        "file": SimpleUploadedFile(name, content or picture_bytes((1200, 800))),
        "title": "Border post at Dostyk",
        "alt_text_en": "Officers checking a lorry at a border post",
        "alt_text_ru": "Сотрудники проверяют грузовик на пограничном посту",
        "caption_en": "",
        "caption_ru": "",
        "credit_en": "Photo: UNODC",
        "credit_ru": "Фото: УНП ООН",
        "focal_x": "50",
        "focal_y": "50",
        **fields,
    }


def test_an_editor_uploads_an_image_described_in_both_languages(
    client, editor, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, upload_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert (image.title, image.width, image.height) == ("Border post at Dostyk", 1200, 800)
    assert image.alt_text_ru.startswith("Сотрудники")
    assert image.uploaded_by == editor
    # The background task (run at once in tests) made every rendition.
    assert image.has_renditions
    assert default_storage.exists(thumbnail(image.file).name)
    assert default_storage.exists(social(image.file).name)


def test_a_camera_photo_up_to_25_mb_is_scaled_down_saying_so(client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_IMAGE_STORED_SIDE = 1000  # a 4000-pixel photo stands for a camera's 6000
    client.force_login(editor)
    response = client.post(ADD_URL, upload_data(picture_bytes((4000, 2000))), follow=True)
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 500)
    messages = [str(m) for m in response.context["messages"]]
    assert any("4000 × 2000 pixels; it was scaled down to 1000 × 500" in m for m in messages)


def test_an_upload_over_the_limit_is_refused_with_a_sentence(client, editor, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 10_000
    client.force_login(editor)
    noisy = io.BytesIO()
    PILImage.effect_noise((200, 200), 90).save(noisy, "PNG")
    response = client.post(ADD_URL, upload_data(noisy.getvalue(), "big.png"))
    assert response.status_code == 200
    assert "the limit is 9.8\xa0KB" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


def test_the_stored_copy_fits_the_stored_byte_limit(settings, make_image):
    settings.MAX_IMAGE_STORED_BYTES = 200_000
    noisy = io.BytesIO()
    PILImage.effect_noise((1600, 1600), 90).convert("RGB").save(noisy, "JPEG", quality=95)
    image = make_image(noisy.getvalue())
    assert image.file.size <= 200_000
    assert image.width < 1600


def test_the_news_form_chooses_an_image_from_the_library(client, editor, make_image):
    image = make_image()
    client.force_login(editor)
    page = client.get(reverse("admin:news_newsitem_add"))
    html = page.text
    assert "Choose from the library" in html and "Upload a new image" in html
    assert re.search(r'href="/admin/images/image/\?_to_field=id"[^>]*class="related-lookup', html)
    assert "/admin/images/image/add/?_to_field=id&amp;_popup=1" in html

    response = client.post(
        reverse("admin:news_newsitem_add"),
        {
            "title_en": "Border post opens",
            "slug": "border-post-opens",
            "date": "2025-05-01",
            "summary_en": "A new post.",
            "body_en": "<p>A new post.</p>",
            "image": str(image.pk),
            "_save": "Save draft",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get(slug="border-post-opens")
    assert item.image == image
    change_page = client.get(reverse("admin:news_newsitem_change", args=[item.pk])).text
    assert f"<figcaption>{image.title}</figcaption>" in change_page
    assert thumbnail(image.file).url in change_page


def test_one_image_serves_two_stories(client, make_image, make_news):
    image = make_image(caption="Dostyk border post")
    first, second = make_news(image=image), make_news(image=image)
    for item in (first, second):
        assert 'alt="Officers at a border post"' in client.get(item.get_absolute_url()).text
    assert {item for item, _where in image.usage()} == {first, second}


def test_the_chooser_searches_titles_alt_text_and_tags(client, editor, make_image):
    border = make_image(title="Border post", alt_text="Officers at Dostyk")
    make_image(title="Conference", alt_text="Delegates in a hall")
    ceremony = make_image(title="Signing", alt_text="Ministers sign")
    ceremony.tags.add(Tag.objects.create(name="Kazakhstan ceremony"))
    client.force_login(editor)
    changelist = reverse("admin:images_image_changelist")

    def found(words):
        response = client.get(changelist, {"q": words, "_to_field": "id", "_popup": "1"})
        return {image.title for image in response.context["cl"].result_list}

    assert found("dostyk") == {"Border post"}
    assert found("kazakhstan") == {"Signing"}
    assert found("post officers") == {"Border post"}
    assert found("nothing like it") == set()
    page = client.get(changelist, {"_to_field": "id", "_popup": "1"}).text
    assert f'data-popup-opener="{border.pk}"' in page
    assert thumbnail(border.file).url in page


def test_chosen_view_gives_the_title_and_thumbnail(client, editor, make_image):
    image = make_image()
    client.force_login(editor)
    data = client.get(reverse("admin:images_image_chosen", args=[image.pk])).json()
    assert data == {"title": "Border post", "thumbnail": thumbnail(image.file).url}
    assert client.get(reverse("admin:images_image_chosen", args=[999999])).status_code == 404
    client.logout()
    assert client.get(reverse("admin:images_image_chosen", args=[image.pk])).status_code == 302


def test_the_image_page_lists_where_it_is_used(client, publisher, make_image, make_news, live):
    image = make_image()
    story = make_news(title="Border post opens", image=image)
    Draft.objects.create(
        content_type=ContentType.objects.get_for_model(live),
        object_id=live.pk,
        content={"model": "news.newsitem", "pk": live.pk, "fields": {"image_id": image.pk}},
    )
    client.force_login(publisher)
    page = client.get(reverse("admin:images_image_change", args=[image.pk])).text
    assert f"News item: {story.title}" in page
    assert f"News item: {live.title} (in its draft)" in page


def test_an_image_in_use_cannot_be_deleted_and_the_page_says_where(
    client, publisher, make_image, make_news, live
):
    used, in_a_draft, unused = make_image(), make_image(), make_image()
    make_news(title="Border post opens", image=used)
    Draft.objects.create(
        content_type=ContentType.objects.get_for_model(live),
        object_id=live.pk,
        content={"model": "news.newsitem", "pk": live.pk, "fields": {"image_id": in_a_draft.pk}},
    )
    client.force_login(publisher)
    for image, where in ((used, "Border post opens"), (in_a_draft, live.title)):
        url = reverse("admin:images_image_delete", args=[image.pk])
        page = client.get(url).text
        assert "would require deleting the following protected related objects" in page
        assert where in page
        client.post(url, {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()
    client.post(reverse("admin:images_image_delete", args=[unused.pk]), {"post": "yes"})
    assert not Image.objects.filter(pk=unused.pk).exists()


def test_an_editor_cannot_change_an_image_shown_on_a_live_page(
    client, editor, publisher, make_image, make_news
):
    image = make_image()
    make_news(image=image)  # published
    url = reverse("admin:images_image_change", args=[image.pk])
    client.force_login(editor)
    page = client.get(url)
    assert "only a publisher can change it" in page.text
    client.post(url, upload_data(title="Changed by an editor"))
    image.refresh_from_db()
    assert image.title == "Border post"

    client.force_login(publisher)
    data = {k: v for k, v in upload_data(title="Changed by a publisher").items() if k != "file"}
    assert client.post(url, data).status_code == 302
    image.refresh_from_db()
    assert image.title == "Changed by a publisher"


def test_an_editor_changes_an_image_no_live_page_shows(client, editor, make_image, make_news):
    image = make_image()
    make_news(image=image, status=NewsItem.Status.DRAFT)
    client.force_login(editor)
    data = {k: v for k, v in upload_data(title="Retitled").items() if k != "file"}
    url = reverse("admin:images_image_change", args=[image.pk])
    assert client.post(url, data).status_code == 302
    image.refresh_from_db()
    assert image.title == "Retitled"


def test_crops_keep_the_focal_point_in_view(make_image):
    # 2000 × 1000, red in its left fifth. The 160 × 160 thumbnail shows half its width:
    # centred, from 500 to 1500 pixels (white at its left edge); with the focal point at the
    # left, from 0 to 1000 (red at its left edge).
    picture = PILImage.new("RGB", (2000, 1000), "white")
    picture.paste((255, 0, 0), (0, 0, 400, 1000))
    content = io.BytesIO()
    picture.save(content, "PNG")
    image = make_image(content.getvalue(), name="red-left.png")

    def thumbnail_colour():
        with default_storage.open(thumbnail(image.file).name) as stored:
            return PILImage.open(stored).convert("RGB").getpixel((20, 80))

    assert thumbnail_colour() == (255, 255, 255)
    image.focal_x = 5
    image.save()
    assert not image.has_renditions  # pages show the stored copy until the task has run
    make_renditions.call(image.pk)
    image.refresh_from_db()
    assert image.has_renditions
    red, green, blue = thumbnail_colour()
    assert red > 200 and green < 60 and blue < 60
    with default_storage.open(social(image.file).name) as stored:
        assert PILImage.open(stored).size == SOCIAL


def test_focal_point_anchor_is_clamped_at_the_edges():
    class Picture:
        width, height, focal_x, focal_y = 2000, 1000, 0, 50

    assert around_focal_point(Picture, 160, 160) == (0.0, 0.5)
    Picture.focal_x = 100
    assert around_focal_point(Picture, 160, 160) == (1.0, 0.5)
    Picture.focal_x = 50
    assert around_focal_point(Picture, 160, 160) == (0.5, 0.5)


def test_the_shared_picture_is_the_social_crop_once_made(client, make_image, make_news):
    item = make_news(image=make_image(picture_bytes((2000, 1000))))
    page = client.get(item.get_absolute_url()).text
    assert re.search(r'<meta property="og:image" content="http://testserver/media/CACHE/', page)
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="630">' in page


def test_cached_pages_follow_the_image_its_renditions_and_its_texts(client, make_image, make_news):
    image = make_image(renditions=False)
    item = make_news(image=image)
    assert "srcset" not in client.get(item.get_absolute_url()).text  # cached, the stored copy

    make_renditions.call(image.pk)
    assert "srcset" in client.get(item.get_absolute_url()).text

    image.refresh_from_db()
    image.alt_text = "Officers and a sniffer dog at a border post"
    image.save()
    assert 'alt="Officers and a sniffer dog' in client.get(item.get_absolute_url()).text


def test_history_compare_names_the_images_not_their_keys(make_image, make_news):
    first, second = make_image(title="Border post"), make_image(title="Signing ceremony")
    item = make_news(image=first)
    item.image = second
    item.save()
    newer, older = item.history.all()[:2]
    changes = {
        str(field.verbose_name): (old, new) for field, old, new in changes_between(older, newer)
    }
    assert changes["image"] == ("Border post", "Signing ceremony")
