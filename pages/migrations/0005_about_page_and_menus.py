from django.db import migrations

from editorial.richtext import paragraphs_to_html
from editorial.roles import create_groups
from pages.menus import ABOUT, create_default_links

# The heading the About page had (templates/about.html), in English and as translated in
# locale/ru/LC_MESSAGES/django.po; the title of its source document, "About UNODC in Central Asia".
ABOUT_TITLE_EN = "About UNODC in Central Asia"
ABOUT_TITLE_RU = "УНП ООН в Центральной Азии"


def about_page_from_the_regional_office(apps, schema_editor):
    """The About page showed the regional office's description: it becomes the page's body,
    with the office's sources, published as it was. Nothing to do in a new database (the seed
    makes the page)."""
    Office = apps.get_model("programmes", "Office")
    Page = apps.get_model("pages", "Page")
    office = Office.objects.filter(kind="regional", status="published").order_by("pk").first()
    if office is None or Page.objects.filter(parent=None, slug=ABOUT).exists():
        return
    page = Page.objects.create(
        slug=ABOUT,
        title=ABOUT_TITLE_EN,
        title_en=ABOUT_TITLE_EN,
        title_ru=ABOUT_TITLE_RU,
        body=paragraphs_to_html(office.description_en or ""),
        body_en=paragraphs_to_html(office.description_en or ""),
        body_ru=paragraphs_to_html(office.description_ru or ""),
        status="published",
        version=1,
    )
    page.sources.set(office.sources.all())


class Migration(migrations.Migration):
    """Editors edit the menus through drafts and publishers publish them; the About page and
    the links the header and footer had are laid down, published."""

    dependencies = [
        ("pages", "0004_menu_items"),
        ("programmes", "0017_images_from_the_library"),
        ("sources", "0001_initial"),
        ("news", "0018_images_from_the_library"),
        ("editorial", "0009_scheduled_and_revised_drafts"),
    ]
    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(about_page_from_the_regional_office, migrations.RunPython.noop),
        migrations.RunPython(create_default_links, migrations.RunPython.noop),
    ]
