"""The directory's figures at the end of a year: structures and employees by commune and ESS
family. The directory itself is a state of the day; its snapshots keep each year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import Commune, EssFamily


class DirectorySnapshot(models.Model):
    year = models.PositiveSmallIntegerField(_("année"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    family = models.CharField(_("famille de l'ESS"), max_length=30, choices=EssFamily)
    structures = models.PositiveIntegerField(_("structures"))
    employees = models.PositiveIntegerField(_("salariés"))
    taken_on = models.DateField(_("relevé le"))
    source = models.CharField(_("source"), max_length=20, choices=[
        ("annuaire", _("l'annuaire du jour")), ("historique", _("l'historique des modifications"))])

    class Meta:
        ordering = ["year", "commune", "family"]
        verbose_name = _("instantané de l'annuaire")
        verbose_name_plural = _("instantanés de l'annuaire")
        constraints = [models.UniqueConstraint(fields=["year", "commune", "family"],
                                               name="one_snapshot_row_per_year_commune_family")]

    @property
    def provisional(self):
        """Taken before the year's end: the figures of that day, not of 31 December."""
        return self.taken_on.year == self.year and (self.taken_on.month, self.taken_on.day) != (12, 31)
