"""CSV and JSON downloads of public lists, streamed row by row in the language of the page.

A view passes the column names and a generator of records (dicts); the records are made one
batch at a time while the response is sent, so memory does not grow with the number of rows
(bench/export_memory.py measures it).
"""

import csv
import json
import unicodedata
from itertools import chain, islice

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import translation

BATCH_SIZE = 500
LIST_SEPARATOR = "; "

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"),
# also after spaces, line breaks or invisible characters, and in their fullwidth forms (＝);
# a leading single quote makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r", "\n")


class Echo:
    """The file csv.writer writes to: writerow() returns the line instead of storing it."""

    def write(self, value):
        return value


def neutralised(value):
    text = "" if value is None else str(value)
    first = next((char for char in text if not is_blank(char)), "")
    risky = (
        text.startswith(FORMULA_STARTS) or unicodedata.normalize("NFKC", first) in FORMULA_STARTS
    )
    return "'" + text if risky else text


def is_blank(char):
    """Spaces, line breaks, controls and invisible characters (zero-width space, BOM)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def csv_cell(value):
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(part) for part in value)
    return neutralised(value)


def batches(records, language):
    """The records in lists of BATCH_SIZE, each made with the page's language active.

    The response is iterated after the view has returned, under ASGI in another thread, where
    the request's language is no longer active; the titles and the /en/ or /ru/ of the URLs
    depend on it. The first batch is made at once, in the view: a database that is down then
    gives the site's 503 page before anything is sent, not a download cut short after its header.
    """
    records = iter(records)

    def next_batch():
        with translation.override(language):
            return list(islice(records, BATCH_SIZE))

    first = next_batch()
    return chain([first] if first else [], iter(next_batch, []))


def attachment(response, name, extension):
    language = translation.get_language()
    response["Content-Disposition"] = f'attachment; filename="{name}-{language}.{extension}"'
    return response


def csv_download(name, columns, records):
    """UTF-8 with a byte order mark, so that spreadsheets read the Cyrillic correctly."""
    writer = csv.writer(Echo())
    record_batches = batches(records, translation.get_language())

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for batch in record_batches:
            yield "".join(
                writer.writerow([csv_cell(record[column]) for column in columns])
                for record in batch
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return attachment(response, name, "csv")


def json_download(name, records):
    """A JSON array of objects, one per line, with Cyrillic written as such."""
    record_batches = batches(records, translation.get_language())

    def chunks():
        before = "["
        for batch in record_batches:
            yield before + ",".join(
                "\n" + json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder)
                for record in batch
            )
            before = ","
        yield "[]\n" if before == "[" else "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    return attachment(response, name, "json")
