"""Sessions in the database, logged out after SESSION_IDLE_TIMEOUT without a request.

Django's database store: one query a request, by primary key, and a session ended in one
process is ended in all of them. A copy kept by each process (Django's cached_db) would be
wrong with several processes and no shared cache: a log-out in one would leave the session
alive in the others' copies. Keeping the session by the version of the sessions table, as
before, saved that query but re-read every session each time any of them changed.

The idle timeout keeps the time of the session's last request in the session itself, the one
place every server sees. Writing it on every request (SESSION_SAVE_EVERY_REQUEST) would cost
an UPDATE per request: the time is written at most once a minute (REFRESH_SECONDS), so a
session ends between SESSION_IDLE_TIMEOUT minus a minute and SESSION_IDLE_TIMEOUT after its
last request. Such a write keeps the session's expiry date: SESSION_COOKIE_AGE still counts
from the log-in, not from the last request.
"""

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponseBase

SEEN = "_seen"  # the time (seconds since the epoch) of the session's last recorded request
REFRESH_SECONDS = 60


class SessionStore(DatabaseStore):
    expire_date: datetime.datetime | None = None  # the stored session's, once loaded

    def _get_session_from_db(self) -> Session | None:
        session = super()._get_session_from_db()  # type: ignore[misc]
        self.expire_date = None if session is None else session.expire_date
        return session

    def create(self) -> None:
        """A new session (a log-in cycles the key through here) counts its age from now."""
        self.expire_date = None
        super().create()

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        """A stored session saved again keeps its expiry date."""
        instance = super().create_model_instance(data)
        if self.expire_date is not None and data.get("_session_expiry") is None:
            instance.expire_date = self.expire_date
        return instance


def started(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """user_logged_in: the idle time of a new session counts from its log-in."""
    request.session[SEEN] = int(time.time())


def spoken(seconds: int) -> str:
    """7200 -> "2 h", 5400 -> "1 h 30", 900 -> "15 min"."""
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d}"
    return f"{hours} h" if hours else f"{minutes} min"


class IdleTimeoutMiddleware:
    """Logs out a session idle for SESSION_IDLE_TIMEOUT, with a French message; the
    LoginRequiredMiddleware placed after it then sends to the login page. Only views that
    require a log-in look at the session: the public pages never touch it (no Vary: Cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if not getattr(view_func, "login_required", True) or SESSION_KEY not in request.session:
            return
        now = int(time.time())
        seen = request.session.get(SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.warning(
                request,
                (
                    f"Votre session a expiré après {spoken(settings.SESSION_IDLE_TIMEOUT)} "
                    "d'inactivité : reconnectez-vous pour continuer."
                ),
            )
        elif seen is None or now - seen >= REFRESH_SECONDS:
            request.session[SEEN] = now
