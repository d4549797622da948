"""``manage.py load_demo``: load each installed domain's demo data, idempotently.

Domains contribute by convention: an app that has a ``demo`` module with a
``load(stdout)`` function is called here in ``INSTALLED_APPS`` order. This command
knows no domain by name, so ``common`` stays free of domain imports.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Load demo data for every installed domain (safe to run again)."

    def handle(self, *args, **options):
        loaded = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).load(stdout=self.stdout)
            loaded.append(config.label)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded for: {', '.join(loaded)}"))
