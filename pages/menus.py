"""The main menu and the footer as readers see them, and the links they had before editors
could change them (laid down by a data migration)."""

from django.db import DatabaseError
from django.utils import translation

from editorial.changes import kept_until_content_changes
from editorial.models import Status

ABOUT = "about"  # the slug of the About page, which the main menu's About link leads to
# (menu, position, English label, Russian label, address or ABOUT): the links the header and
# footer had, with the words of their translation in locale/ru/LC_MESSAGES/django.po.
DEFAULT_LINKS = [
    ("main", 10, "News", "Новости", "/en/news/"),
    ("main", 15, "Publications", "Публикации", "/en/publications/"),
    ("main", 20, "Programmes", "Программы", "/en/programmes/"),
    ("main", 30, "Countries", "Страны", "/en/countries/"),
    ("main", 40, "Offices", "Офисы", "/en/offices/"),
    ("main", 50, "About", "О нас", ABOUT),
    ("footer", 10, "Source documents", "Исходные документы", "/en/sources/"),
    ("footer", 20, "Open data (API)", "Открытые данные (API)", "/api/"),
]
MENUS = ("main", "footer", "legal", "social")


def create_default_links(apps, schema_editor=None):
    """The links above, published, unless the menus have links already (`apps`: a migration's
    or django.apps). The About link only once the About page exists."""
    MenuItem = apps.get_model("pages", "MenuItem")
    Page = apps.get_model("pages", "Page")
    about = Page.objects.filter(parent=None, slug=ABOUT).first()
    if MenuItem.objects.exists():
        add_about_link(apps, about)
        return
    for menu, position, label_en, label_ru, target in DEFAULT_LINKS:
        if target == ABOUT and about is None:
            continue
        MenuItem.objects.create(
            menu=menu,
            position=position,
            label=label_en,
            label_en=label_en,
            label_ru=label_ru,
            page=about if target == ABOUT else None,
            url="" if target == ABOUT else target,
            status=Status.PUBLISHED,
        )


def add_about_link(apps, about):
    """The main menu's About link, if the About page has none yet."""
    MenuItem = apps.get_model("pages", "MenuItem")
    if about is None or MenuItem.objects.filter(page=about).exists():
        return
    menu, position, label_en, label_ru, _target = next(
        link for link in DEFAULT_LINKS if link[4] == ABOUT
    )
    MenuItem.objects.create(
        menu=menu,
        position=position,
        label=label_en,
        label_en=label_en,
        label_ru=label_ru,
        page=about,
        status=Status.PUBLISHED,
    )


def menus_for(language):
    """{menu: [link, …], "office": the regional office's contacts or None} for readers of
    `language`, each link a dict (label, url, lang, external); kept until the content changes.
    Two queries when not kept."""

    def compute():
        from pages.models import MenuItem
        from programmes.models import Office

        with translation.override(language):
            menus = {menu: [] for menu in MENUS}
            for item in MenuItem.objects.shown():
                menus[item.menu].append(
                    {
                        "label": item.label,
                        "url": item.address(language),
                        "lang": "en" if language != "en" and not item.label_ru else "",
                        "external": item.is_external,
                    }
                )
            office = (
                Office.objects.published().filter(kind=Office.Kind.REGIONAL).order_by("pk").first()
            )
            menus["office"] = office_contacts(office, language)
        return menus

    return kept_until_content_changes(f"menus:{language}", compute)


def office_contacts(office, language):
    if office is None:
        return None
    address_lang = ""
    if language != "en" and office.street_address_en and not office.street_address_ru:
        address_lang = "en"
    return {
        "name": office.name,
        "url": office.get_absolute_url(),
        "street_address": office.street_address,
        "street_address_lang": address_lang,
        "phone": office.phone,
        "phone_link": office.phone_link if office.phone else "",
        "email": office.email,
    }


def menus_in_request(request, language):
    """The menus, once per request (the header and the footer both need them); none at all
    when the database cannot be read (the 503 page still renders)."""
    kept = getattr(request, "_menus", None) if request is not None else None
    if kept is not None:
        return kept
    try:
        menus = menus_for(language)
    except DatabaseError:
        menus = {menu: [] for menu in MENUS} | {"office": None}
    path = request.path if request is not None else ""
    menus = {
        **menus,
        **{
            menu: [{**link, "current": is_current(link["url"], path)} for link in menus[menu]]
            for menu in MENUS
        },
    }
    if request is not None:
        request._menus = menus
    return menus


def is_current(url, path):
    """The link leads to the section the page belongs to (/en/news/ for /en/news/some-item/)."""
    if not url.startswith("/") or not path:
        return False
    if url == path:
        return True
    is_language_home = url.strip("/").count("/") == 0 and len(url.strip("/")) <= 3
    return url.endswith("/") and not is_language_home and path.startswith(url)
