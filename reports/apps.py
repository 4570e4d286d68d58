from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Tableaux de bord et rapports"

    def ready(self):
        from . import jobs  # noqa: F401 - registers the report jobs' handlers
