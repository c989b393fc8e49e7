"""Every action is fully type-annotated: each parameter and its return.

The actions of an app are the functions of its own that its facade (`mend.<app>.actions`) lists,
plus every public function defined in one of its `actions` modules (`mend.<app>.<area>.actions`,
and `mend.core.actions` itself), whether or not the facade re-exports it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import mend.cases.actions
import mend.core.actions
import mend.training.actions

FACADES = [mend.core.actions, mend.cases.actions, mend.training.actions]


def _is_action(name: str, value: Any) -> bool:
    return (
        not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__.startswith("mend.")
    )


def _actions_modules(facade: ModuleType) -> Iterator[ModuleType]:
    """The facade itself and every `actions` module of its app's areas."""
    yield facade
    app = importlib.import_module(facade.__name__.rpartition(".")[0])
    for info in pkgutil.walk_packages(app.__path__, prefix=app.__name__ + "."):
        if info.name.endswith(".actions") and ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def _defines_functions(module: ModuleType) -> bool:
    return any(
        inspect.isfunction(value) and value.__module__ == module.__name__
        for value in vars(module).values()
    )


def _actions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for facade in FACADES:
        # `mend.core.actions` is itself the actions module; the apps' facades only re-export.
        lists_others = not _defines_functions(facade)
        for module in _actions_modules(facade):
            for name, value in vars(module).items():
                if not _is_action(name, value):
                    continue
                # Defined in this actions module, or listed by the facade from its own app
                # (a facade's star imports also carry the helpers its areas import, such as
                # `mend.core.changes.check_version`: those are not the app's actions).
                app = facade.__name__.rpartition(".")[0] + "."
                if value.__module__ == module.__name__ or (
                    module is facade and lists_others and value.__module__.startswith(app)
                ):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return dict(sorted(found.items()))


ACTIONS = _actions()


def test_every_facade_lists_actions() -> None:
    for facade in FACADES:
        assert any(name.startswith(facade.__name__.rpartition(".")[0]) for name in ACTIONS)


def missing_annotations(fn: Callable[..., Any]) -> list[str]:
    signature = inspect.signature(fn)
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    ]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("name", list(ACTIONS))
def test_action_is_fully_annotated(name: str) -> None:
    assert missing_annotations(ACTIONS[name]) == [], f"{name} lacks annotations"
