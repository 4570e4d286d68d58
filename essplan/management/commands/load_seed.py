from collections.abc import Iterator
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction


def seed_modules() -> Iterator[ModuleType]:
    """The ``seed`` module of every installed app that has one, in INSTALLED_APPS order
    (the directory, then the plans, then their indicators)."""
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.seed"
        if find_spec(name) is not None:
            yield import_module(name)


class Command(BaseCommand):
    help = (
        "Charge les données de référence (communes, formes juridiques, NAF), les structures "
        "fictives de démonstration, les plans d'actions de fixtures/ et leurs indicateurs "
        "(idempotent : ce qui existe est gardé tel quel)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Ne pas créer les structures fictives de démonstration.",
        )

    @transaction.atomic
    def handle(self, *args: str, **options: Any) -> None:
        for module in seed_modules():
            for line in module.load(demo=not options["no_demo"]):
                self.stdout.write(line)
