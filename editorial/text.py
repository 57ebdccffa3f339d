"""Text as editors read it in the admin and in mail: on one line, and times in the site's zone."""

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Whitespace as Python knows it (U+2028, U+2029, \x0b, \x0c, \x1c–\x1f, \x85…), and controls.
LINE_BREAKS_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text):
    """The text on one line, each run of spaces, line breaks or control characters one space."""
    return LINE_BREAKS_AND_CONTROLS.sub(" ", str(text)).strip()


def site_time(moment, format_name="DATETIME_FORMAT"):
    """A moment as editors read it: in the site's time zone, saying so (date_format alone would
    give the database's UTC)."""
    return _("%(moment)s Tashkent time") % {
        "moment": date_format(timezone.localtime(moment), format_name)
    }
