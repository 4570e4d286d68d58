from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Plan d'actions"

    def ready(self):
        from . import jobs  # noqa: F401 - registers the campaign's jobs
