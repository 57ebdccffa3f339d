"""Pages of API results.

News is paged by keyset ("cursor"): a page starts after the last item of the one before, by
(date, id) in the list's order, so a page stays correct when items are published meanwhile and a
deep page costs no more than the first one. The other lists are short and use numbered pages.
"""

import base64
import binascii
import datetime
import json

from django.db.models import F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_size_from(request):
    value = request.query_params.get("page_size")
    if value is None:
        return PAGE_SIZE
    # Refused rather than clamped above the maximum: the schema says 1 to 100, and a client that
    # asked for more would otherwise take a short page for the end of the list.
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(value)


PAGE_SIZE_PARAMETER = {
    "name": "page_size",
    "required": False,
    "in": "query",
    "description": f"Items per page: {PAGE_SIZE} unless given, from 1 to {MAX_PAGE_SIZE}.",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
}


class NumberedPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "The page number, from 1; follow the next and previous links."

    def get_page_size(self, request):
        return page_size_from(request)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": self.page_query_description,
                "schema": {"type": "integer", "minimum": 1},
            },
            PAGE_SIZE_PARAMETER,
        ]


class NewsCursorPagination(BasePagination):
    """Newest first (undated items last), then by id, as on the public news list."""

    cursor_query_param = "cursor"
    ordering = (F("date").desc(nulls_last=True), "-id")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = page_size_from(request)
        cursor = self.decode_cursor(request)
        queryset = queryset.order_by(*self.ordering)
        if cursor is None:
            rows = list(queryset[: size + 1])
            self.has_next, self.has_previous = len(rows) > size, False
            rows = rows[:size]
        elif cursor["reverse"]:
            rows = self.read(queryset.reverse(), self.before(cursor["date"], cursor["id"]), size)
            self.has_next, self.has_previous = True, len(rows) > size
            rows = rows[:size][::-1]
        else:
            rows = self.read(queryset, self.after(cursor["date"], cursor["id"]), size)
            self.has_next, self.has_previous = len(rows) > size, True
            rows = rows[:size]
        self.rows = rows
        return rows

    @staticmethod
    def read(queryset, conditions, size):
        """Up to size + 1 rows: those meeting each condition in turn, until there are enough.

        One condition per query, each a range of the order index (news_order_idx) that
        PostgreSQL starts reading at the cursor: a condition OR-ed with "or undated" would make
        it read, and throw away, every row before the cursor.
        """
        rows = []
        for condition in conditions:
            rows += queryset.filter(condition)[: size + 1 - len(rows)]
            if len(rows) > size:
                break
        return rows

    @staticmethod
    def after(date, pk):
        """What comes after (date, pk) in the list, in order: older items, then undated ones."""
        if date is None:
            return [Q(date__isnull=True, id__lt=pk)]
        return [Q(date__lte=date) & (Q(date__lt=date) | Q(id__lt=pk)), Q(date__isnull=True)]

    @staticmethod
    def before(date, pk):
        """What comes before (date, pk), nearest first: undated items, then newer ones."""
        if date is None:
            return [Q(date__isnull=True, id__gt=pk), Q(date__isnull=False)]
        return [Q(date__gte=date) & (Q(date__gt=date) | Q(id__gt=pk))]

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # absent, or empty as a form leaves it: the first page
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            date = data["d"] and datetime.date.fromisoformat(data["d"])
            return {"date": date, "id": int(data["i"]), "reverse": bool(data["r"])}
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
            raise ValidationError(
                {"cursor": ["This cursor is not valid. Follow the next and previous links."]}
            ) from None

    def link(self, item, reverse):
        data = {"d": item.date and item.date.isoformat(), "i": item.pk, "r": reverse}
        encoded = base64.urlsafe_b64encode(json.dumps(data).encode()).decode("ascii")
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, encoded
        )

    def get_next_link(self):
        if not (self.has_next and self.rows):
            return None
        return self.link(self.rows[-1], reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self.link(self.rows[0], reverse=True)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page to show: take it from the next or previous link.",
                "schema": {"type": "string"},
            },
            PAGE_SIZE_PARAMETER,
        ]
