"""The directory's figures at the end of a year: structures and employees by commune and ESS
family. The directory itself is a state of the day; its snapshots keep each year."""

from django.db import models

from .reference import Commune, EssFamily


class DirectorySnapshot(models.Model):
    year = models.PositiveSmallIntegerField("année")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    family = models.CharField("famille de l'ESS", max_length=30, choices=EssFamily)
    structures = models.PositiveIntegerField("structures")
    employees = models.PositiveIntegerField("salariés")
    taken_on = models.DateField("relevé le")
    source = models.CharField(
        "source",
        max_length=20,
        choices=[
            ("annuaire", "l'annuaire du jour"),
            ("historique", "l'historique des modifications"),
        ],
    )

    class Meta:
        ordering = ["year", "commune", "family"]
        verbose_name = "instantané de l'annuaire"
        verbose_name_plural = "instantanés de l'annuaire"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "commune", "family"],
                name="one_snapshot_row_per_year_commune_family",
            )
        ]

    @property
    def provisional(self):
        """Taken before the year's end: the figures of that day, not of 31 December."""
        return self.taken_on.year == self.year and (self.taken_on.month, self.taken_on.day) != (
            12,
            31,
        )
