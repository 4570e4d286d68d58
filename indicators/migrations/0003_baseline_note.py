"""A note on what the source of a baseline does not say (the deliberation gives no year).

Named 0003: databases made before the roles moved to essplan recorded an
indicators.0002_roles, which no longer exists."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def from_the_deliberation(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(
        plan__slug="cotentin-ess-2023-2025",
        code__in=["C1", "C2", "C3", "C4"],
        source="Délibération DEL2023_012A",
        baseline_note="",
    ).update(baseline_note="référence de la délibération de 2023, année non précisée")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicator",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicator",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="indicator",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="indicator",
            name="baseline_note",
            field=models.CharField(
                blank=True,
                help_text="Ce que la source ne dit pas, par exemple « année non précisée par la délibération ».",
                max_length=200,
                verbose_name="précision sur la référence",
            ),
        ),
        migrations.AddField(
            model_name="indicatorhistory",
            name="baseline_note",
            field=models.CharField(
                blank=True,
                help_text="Ce que la source ne dit pas, par exemple « année non précisée par la délibération ».",
                max_length=200,
                verbose_name="précision sur la référence",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="indicator",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "indicators_indicatorhistory" ("baseline_note", "baseline_value", "baseline_year", "code", "computation", "definition", "direction", "id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_id", "source", "unit", "version") VALUES (NEW."baseline_note", NEW."baseline_value", NEW."baseline_year", NEW."code", NEW."computation", NEW."definition", NEW."direction", NEW."id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."plan_id", NEW."source", NEW."unit", NEW."version"); RETURN NULL;',
                    hash="9201c22f25b3efde2bdb8b236d1068372c60ddd9",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_6ab67",
                    table="indicators_indicator",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="indicator",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "indicators_indicatorhistory" ("baseline_note", "baseline_value", "baseline_year", "code", "computation", "definition", "direction", "id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_id", "source", "unit", "version") VALUES (NEW."baseline_note", NEW."baseline_value", NEW."baseline_year", NEW."code", NEW."computation", NEW."definition", NEW."direction", NEW."id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."plan_id", NEW."source", NEW."unit", NEW."version"); RETURN NULL;',
                    hash="fa77d1dfecf35ac3b245964b8b992cc23ff627eb",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_4281e",
                    table="indicators_indicator",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="indicator",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "indicators_indicatorhistory" ("baseline_note", "baseline_value", "baseline_year", "code", "computation", "definition", "direction", "id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_id", "source", "unit", "version") VALUES (OLD."baseline_note", OLD."baseline_value", OLD."baseline_year", OLD."code", OLD."computation", OLD."definition", OLD."direction", OLD."id", OLD."kind", OLD."name", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."plan_id", OLD."source", OLD."unit", OLD."version"); RETURN NULL;',
                    hash="4bd7adfbf54881c69436f15e0ec750964ffab02e",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_f068f",
                    table="indicators_indicator",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(from_the_deliberation, migrations.RunPython.noop),
    ]
