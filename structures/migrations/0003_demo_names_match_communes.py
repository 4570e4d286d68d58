"""Fictitious demo structures whose name names a place move to one of its communes.

The demo generator used to draw communes at random (« Recyclerie des Pieux » in
Valognes). Only demo rows nobody has edited since they were loaded (version 1) move.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations


def to_their_place(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    Commune = apps.get_model("structures", "Commune")
    demo = Path(settings.BASE_DIR) / "fixtures" / "demo_structures.json"
    rows = json.loads(demo.read_text(encoding="utf-8"))["structures"]
    communes = dict(Commune.objects.values_list("insee_code", "pk"))
    for row in rows:
        if row["commune"] in communes:
            Structure.objects.filter(siret=row["siret"], name=row["name"], version=1).exclude(
                commune_id=communes[row["commune"]]
            ).update(commune_id=communes[row["commune"]])


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(to_their_place, migrations.RunPython.noop),
    ]
