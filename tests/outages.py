"""Dependencies that are down, for the health and fault tests.

Redis and S3 are pointed at a port where nothing listens. The database is refused at the
driver: each new cursor fails as a lost connection does, wrapped by Django the same way.
"""

import contextlib
from unittest import mock

from botocore.config import Config
from django.conf import settings
from django.db import connections

from tests.ports import free_port


def redis_down_caches():
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/5",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }


def storage_down_storages(bucket="media"):
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": f"http://127.0.0.1:{free_port()}",
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "querystring_auth": False,
                "file_overwrite": False,
                "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
            },
        },
    }


@contextlib.contextmanager
def database_down(alias="default"):
    connection = connections[alias]

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused: the database is down")

    with mock.patch.object(connection, "create_cursor", refuse):
        yield
