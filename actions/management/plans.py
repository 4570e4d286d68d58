"""What the management commands share about plans."""

from django.core.management.base import CommandError

from actions.models import Plan


def find_plan(slug):
    """The plan SLUG, or a French error naming the plans there are."""
    try:
        return Plan.objects.get(slug=slug)
    except Plan.DoesNotExist:
        known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "aucun"
        raise CommandError(f"Plan inconnu : « {slug} ». Plans enregistrés : {known}.") from None
