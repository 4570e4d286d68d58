from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Annuaire des structures de l'ESS"
