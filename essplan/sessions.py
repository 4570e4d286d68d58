"""Sessions in the database, read once per version of the sessions table.

Every write to ``django_session`` (a log-in, a log-out, a session changed) moves the
"sessions" version of essplan.datacache, read with the others once per request: a session
ended in one process is ended in all of them at their next request. Reading a session
therefore costs no query of its own.
"""

import copy

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.utils import timezone

from .datacache import cached_value


class SessionStore(DatabaseStore):
    def load(self):
        key = self.session_key
        if key is None:
            return {}
        stored = cached_value("session", key, lambda: self._stored(key), scopes=("sessions",))
        if stored is None or stored[1] <= timezone.now():
            self._session_key = None
            return {}
        return copy.deepcopy(stored[0])

    def _stored(self, key):
        """(decoded data, expiry) of the session KEY, or None."""
        session = self.model.objects.filter(session_key=key).first()
        return None if session is None else (self.decode(session.session_data),
                                             session.expire_date)
