"""The OpenAPI schema of the API: drf-spectacular's, plus the error answers every client meets.

drf-spectacular documents the 200 answer of each operation; the API also answers 400 (a query
parameter it cannot use: a filter value, a cursor, a page size, a language), 404 (a slug the
public site does not show, a page number past the end), 414 (an address longer than the server
reads), 429 (over the rate limit) and 503 (the database out of reach for a moment). Documented
here once for every operation, so that a client, and schemathesis, know every status it may get.
"""

from drf_spectacular.openapi import AutoSchema


def json_error(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
BAD_PARAMETERS = {
    "type": "object",
    "description": "Each parameter that could not be used, with the reasons in sentences.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class PublicAPISchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        responses.setdefault(
            "400",
            json_error("A query parameter could not be used; the body names it.", BAD_PARAMETERS),
        )
        is_list = self._is_list_view()
        responses.setdefault(
            "404",
            json_error(
                "No such page of results." if is_list else "The public site does not show it.",
                DETAIL,
            ),
        )
        responses.setdefault(
            "414",
            {"description": "The address is too long (the server reads up to 4,094 bytes of it)."},
        )
        responses.setdefault(
            "429",
            json_error("Too many requests: wait the seconds the Retry-After header gives.", DETAIL),
        )
        responses.setdefault(
            "503",
            json_error(
                "Unavailable for a moment: try again after the seconds Retry-After gives.", DETAIL
            ),
        )
        return responses
