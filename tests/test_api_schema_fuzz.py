"""Schemathesis generates requests from the served OpenAPI schema and checks every response:
no 5xx, and status codes (the errors included), content types and bodies as the schema
documents them. Bounded: a few dozen
cases per operation, well under two minutes in all."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from unodc_site.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_without_rate_limit(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
    }
    cache.clear()


@pytest.fixture
def connection_kept_open():
    """The app is called directly, not through Django's test client, so do what the client does:
    keep the request signals from closing the test's database connection (and its transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_api_answers_every_generated_request_as_its_schema_says(
    case, seeded, api_without_rate_limit, connection_kept_open
):
    case.call_and_validate(
        # Called in-process, a gzipped answer would not be decoded as an HTTP client does.
        headers={"Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            response_schema_conformance,
            content_type_conformance,
        ],
    )
