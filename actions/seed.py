"""The plans' part of ``manage.py load_seed``: every fixtures/plan_*.json."""

import json
from pathlib import Path

from django.conf import settings

from .services import load_plan


def load(*, demo):
    for path in sorted((Path(settings.BASE_DIR) / "fixtures").glob("plan_*.json")):
        report = load_plan(data=json.loads(path.read_text(encoding="utf-8")))
        yield (
            f"{report.plan} : {report.created} élément(s) créé(s), "
            f"{report.existing} déjà présent(s)."
        )
