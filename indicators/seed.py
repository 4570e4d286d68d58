"""The indicators' part of ``manage.py load_seed``."""

from .services import load_indicators


def load(*, demo):
    yield f"Indicateurs créés : {load_indicators()}."
