"""Rate limits counted in the database, so that every server counts the same requests: the
public requests to be listed (structures.listing) and « Mot de passe oublié ? »
(essplan.accounts).

A sender is known by a keyed hash of its address, never by the address itself. The requests
of one sender take turns on a transaction-level advisory lock, so two requests sent at the
same moment are counted one after the other.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from .security import client_ip


def keyed(text: str) -> str:
    """A keyed hash of TEXT: the same text gives the same key, the key does not give the text."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the sender's address (read through TRUSTED_PROXIES, like the login's
    lockout)."""
    return keyed(client_ip(request) or "")


def take_turns(*names: str) -> None:
    """Wait, until the transaction ends, for every other one holding one of NAMES (taken in
    order, so that two transactions never wait for each other)."""
    with connection.cursor() as cursor:
        for name in sorted(set(names)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
