"""Writes of the directory: reference data, demo data, imports."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from .models import Commune, LegalForm, NafCode, Structure

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "reference"
DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo_structures.json"
DEMO_SOURCE = "Données fictives de démonstration"


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _upsert[M: models.Model](model: type[M], objects: list[M], key: str, fields: list[str]) -> None:
    model._default_manager.bulk_create(
        objects, update_conflicts=True, unique_fields=[key], update_fields=fields, batch_size=1000
    )


@transaction.atomic
def load_reference_data() -> tuple[int, int, int]:
    """Communes, legal forms and NAF codes of fixtures/reference/ (inserted or updated)."""
    communes = _read(REFERENCE / "communes_cotentin.json")["communes"]
    _upsert(
        Commune,
        [Commune(**row) for row in communes],
        "insee_code",
        ["name", "postal_codes", "population", "svg_path"],
    )
    forms = _read(REFERENCE / "legal_forms.json")["legal_forms"]
    _upsert(
        LegalForm,
        [LegalForm(code=code, label=label, family=family) for code, label, family in forms],
        "code",
        ["label", "family"],
    )
    codes = _read(REFERENCE / "naf_rev2.json")["codes"]
    _upsert(
        NafCode, [NafCode(**row) for row in codes], "code", ["label", "section", "section_label"]
    )
    return len(communes), len(forms), len(codes)


@transaction.atomic
def load_demo_structures() -> int:
    """The fictitious demo structures, created once (matched by SIRET)."""
    rows = _read(DEMO)["structures"]
    existing = set(
        Structure.objects.filter(siret__in=[row["siret"] for row in rows]).values_list(
            "siret", flat=True
        )
    )
    communes = dict(Commune.objects.values_list("insee_code", "pk"))
    forms = dict(LegalForm.objects.values_list("code", "pk"))
    naf = dict(NafCode.objects.values_list("code", "pk"))
    new = []
    for row in rows:
        if row["siret"] in existing:
            continue
        row = dict(row)
        new.append(
            Structure(
                **row
                | {
                    "commune_id": communes[row.pop("commune")],
                    "legal_form_id": forms[row.pop("legal_form")],
                    "naf_id": naf[row.pop("naf")],
                    "fte": Decimal(row.pop("fte")),
                    "siren": row["siret"][:9],
                    "source": DEMO_SOURCE,
                }
            )
        )
    Structure.objects.bulk_create(new)
    return len(new)
