"""/healthz: can this app server reach the database and the cache? For the load balancer.

200 {"database": "ok", "cache": "ok"}, else 503 naming what is down. Never cached, and it opens
no session, so probes leave no trace.
"""

import secrets

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError):
        return "down"
    return "ok"


def cache_state():
    # django-redis is set to ignore a Redis that is down (a cache miss, not a 500), so only a
    # round trip tells: a value written and read back. Each probe has its own key, so that two
    # servers probing at once cannot read each other's value.
    key = f"healthz:{secrets.token_hex(8)}"
    token = secrets.token_hex(8)
    cache.set(key, token, timeout=10)
    state = "ok" if cache.get(key) == token else "down"
    cache.delete(key)
    return state


@require_safe
@never_cache
def healthz(request):
    states = {"database": database_state(), "cache": cache_state()}
    healthy = all(state == "ok" for state in states.values())
    return JsonResponse(states, status=200 if healthy else 503)
