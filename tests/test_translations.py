"""Every message of the site and its admin has its Russian translation, and it is what a
Russian-speaking editor reads."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_workflow import login, make_user

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"


def entries(po_text):
    """(flags, msgid, msgstr…) of each entry of a .po file, the header left out."""
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        parts, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid", "msgstr")):
                current, _space, rest = line.partition(" ")
                parts[current] = rest
            elif current:
                parts[current] += line
        if parts.get("msgid", '""') != '""':
            yield flags, parts


def test_every_message_has_a_russian_translation_that_is_not_a_guess():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    missing = [
        parts["msgid"]
        for flags, parts in entries(po)
        if "fuzzy" in flags
        or any(value == '""' for name, value in parts.items() if name.startswith("msgstr"))
    ]
    assert not missing


def test_the_compiled_catalogue_holds_what_the_po_file_says():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.gettext("Save draft") == "Сохранить черновик"
    assert catalogue.gettext("Request changes") == "Запросить изменения"


@pytest.mark.django_db
def test_a_russian_speaking_editor_reads_the_workflow_in_russian(client, make_news):
    item = make_news(title="Live story")
    login(client, make_user("editor", "Editors"))
    page = client.get(
        f"/admin/news/newsitem/{item.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Сохранить черновик" in page and "Отправить на проверку" in page
