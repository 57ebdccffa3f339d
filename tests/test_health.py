import pytest
from django.test import override_settings

from tests.outages import database_down, redis_down_caches

pytestmark = pytest.mark.django_db


def test_healthz_says_database_and_cache_are_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_is_503_when_redis_is_down(client):
    with override_settings(CACHES=redis_down_caches()):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "down"}


def test_healthz_is_503_when_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok"}


def test_healthz_answers_over_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/en/about/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200


def test_healthz_answers_the_host_the_balancer_names(client, settings):
    settings.ALLOWED_HOSTS = ["roca.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8501").status_code == 400
    assert client.get("/healthz", HTTP_HOST="roca.example.org").status_code == 200
