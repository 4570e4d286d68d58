"""GET /healthz, the probe of a load balancer or a monitoring system.

Answered by a middleware placed first, before the HTTPS redirect, the session, the login
and every other middleware: a probe speaks plain HTTP to the application server, may carry
a stale session cookie, and must get 503, never 500, when the database is down.
"""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from jobs.health import oldest_waiting_seconds

PATH = "/healthz"


def health(jobs: bool = False) -> HttpResponse:
    """200 when the database answers; no session, no write. JOBS: also the age in seconds
    of the oldest job waiting for a worker (0 when none waits), for a monitoring system to
    alert when no worker takes them."""
    try:
        if jobs:
            waiting = oldest_waiting_seconds()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "unhealthy"
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    body = f"ok\noldest_waiting_job_seconds {waiting}\n" if jobs else "ok\n"
    return HttpResponse(body, content_type="text/plain")


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            response = health(jobs=request.GET.get("jobs") == "1")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
