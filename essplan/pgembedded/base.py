"""PostgreSQL backend that starts the embedded server on first connection.

Settings name this backend when no DATABASE_URL is given. Starting lazily keeps
``manage.py check`` or ``makemigrations`` from starting PostgreSQL for nothing.
"""

from typing import Any

from django.db.backends.postgresql import base

from essplan import db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params["host"] = db.socket_dir()
        return params
