from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicateurs"

    def ready(self):
        from actions.drafting import plan_drafted

        from .drafting import carry_indicators

        plan_drafted.connect(carry_indicators, dispatch_uid="indicators.carry_indicators")
