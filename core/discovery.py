"""Modules that each app may offer under a conventional name (`audit_actions`, `home`...),
found the way Django's admin finds `admin` modules, so that a lower app reads what higher apps
offer without importing them."""

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> dict[str, ModuleType]:
    """`<app>.<name>` of every installed app that has one, by the module's dotted name, in the
    order of INSTALLED_APPS. An import error inside such a module is raised, not hidden."""
    found = {}
    for app_config in apps.get_app_configs():
        dotted = f"{app_config.name}.{name}"
        try:
            found[dotted] = import_module(dotted)
        except ModuleNotFoundError as error:
            if error.name != dotted:
                raise
    return found
