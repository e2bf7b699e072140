"""User classes a scenario declares (a ``php_user_filter`` subclass, say), in PHP and
in Python side by side: the two renderers put each at the top of their script."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UserClass", "user_class"]


@dataclass(frozen=True)
class UserClass:
    """A class the scenario declares (a php_user_filter, say): its PHP source and
    its Python source, each defining the class ``name`` at the script's top level."""

    name: str
    php: str
    python: str


def user_class(name: str, php: str, python: str) -> UserClass:
    """A class for ``scenario(classes=...)``: the same class in PHP and in Python."""
    if not name.isidentifier():
        raise ValueError(f"user_class(): not a usable name: {name!r}")
    return UserClass(name, php.strip("\n"), python.strip("\n"))
