"""GET /healthz, the probe of a load balancer or a monitoring system.

Answered by a middleware placed first, before the HTTPS redirect, the session, the login
and every other middleware: a probe speaks plain HTTP to the application server, may carry
a stale session cookie, and must get 503, never 500, when the database is down.
"""

from django.db import connection
from django.http import HttpResponse

PATH = "/healthz"


def health():
    """200 when the database answers; no session, no write."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "unhealthy"
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            response = health()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
