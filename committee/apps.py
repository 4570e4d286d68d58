from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = "Comité de suivi"
    default_auto_field = "django.db.models.BigAutoField"
