"""Sessions in the database, read once per version of the sessions table, and logged out
after SESSION_IDLE_TIMEOUT without a request.

Every write to ``django_session`` (a log-in, a log-out, a session changed) moves the
"sessions" version of essplan.datacache, read with the others once per request: a session
ended in one process is ended in all of them at their next request. Reading a session
therefore costs no query of its own.

The idle timeout keeps the time of the session's last request in the session itself, the one
place every server sees (the cache may be each process's own). Writing it on every request
(SESSION_SAVE_EVERY_REQUEST) would cost an UPDATE per request and, as each write moves the
"sessions" version, a re-read of every other session at its next request: the time is
written at most once a minute (REFRESH_SECONDS), so a session ends between
SESSION_IDLE_TIMEOUT minus a minute and SESSION_IDLE_TIMEOUT after its last request.
Such a write keeps the session's expiry date: SESSION_COOKIE_AGE still counts from the
log-in, not from the last request.
"""

import copy
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.utils import timezone

from .datacache import cached_value

SEEN = "_seen"  # the time (seconds since the epoch) of the session's last recorded request
REFRESH_SECONDS = 60


class SessionStore(DatabaseStore):
    expire_date = None  # the stored session's, once loaded

    def load(self):
        key = self.session_key
        if key is None:
            return {}
        stored = cached_value("session", key, lambda: self._stored(key), scopes=("sessions",))
        if stored is None or stored[1] <= timezone.now():
            self._session_key = None
            return {}
        self.expire_date = stored[1]
        return copy.deepcopy(stored[0])

    def _stored(self, key):
        """(decoded data, expiry) of the session KEY, or None."""
        session = self.model.objects.filter(session_key=key).first()
        return None if session is None else (self.decode(session.session_data),
                                             session.expire_date)

    def create(self):
        """A new session (a log-in cycles the key through here) counts its age from now."""
        self.expire_date = None
        super().create()

    def create_model_instance(self, data):
        """A stored session saved again keeps its expiry date."""
        instance = super().create_model_instance(data)
        if self.expire_date is not None and data.get("_session_expiry") is None:
            instance.expire_date = self.expire_date
        return instance


def started(sender, request, user, **kwargs):
    """user_logged_in: the idle time of a new session counts from its log-in."""
    request.session[SEEN] = int(time.time())


def spoken(seconds):
    """7200 -> "2 h", 5400 -> "1 h 30", 900 -> "15 min"."""
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d}"
    return f"{hours} h" if hours else f"{minutes} min"


class IdleTimeoutMiddleware:
    """Logs out a session idle for SESSION_IDLE_TIMEOUT, with a French message; the
    LoginRequiredMiddleware placed after it then sends to the login page. Only views that
    require a log-in look at the session: the public pages never touch it (no Vary: Cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True) or SESSION_KEY not in request.session:
            return
        now = int(time.time())
        seen = request.session.get(SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.warning(request, (
                f"Votre session a expiré après {spoken(settings.SESSION_IDLE_TIMEOUT)} "
                "d'inactivité : reconnectez-vous pour continuer."))
        elif seen is None or now - seen >= REFRESH_SECONDS:
            request.session[SEEN] = now
