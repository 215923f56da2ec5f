"""The ``run`` command's options, read off the settings dataclass: one field, one flag."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

__all__ = ["cli_options", "flag_of", "option", "split_list"]


def split_list(text: str) -> tuple[str, ...]:
    """``"a, b,c"`` -> ``("a", "b", "c")`` (comma-separated CLI values).

    Examples
    --------
    >>> split_list("smote, sedg,")
    ('smote', 'sedg')
    """
    return tuple(part.strip() for part in text.split(",") if part.strip())


def option(help: str, *, flag: str | None = None, parse: Any = None, nargs: str | None = None,
           choices: tuple | None = None, action: str | None = None, const: Any = None) -> dict:
    """A field's command-line form (its ``metadata``): ``flag`` (default ``--field-name``), how a
    value is parsed, ``const`` for a flag given without its (optional, ``nargs="?"``) value.
    Choices are shown in the help and checked by the dataclass."""
    return {"help": help, "flag": flag, "parse": parse, "nargs": nargs, "choices": choices,
            "action": action, "const": const}


def flag_of(settings_class, name: str) -> str:
    """The flag of field ``name`` (error messages name it, so they fit Python and the CLI)."""
    for item in fields(settings_class):
        if item.name == name and item.metadata.get("flag"):
            return item.metadata["flag"]
    return "--" + name.replace("_", "-")


def cli_options(settings_class) -> list[tuple[str, str, dict]]:
    """``(field name, flag, argparse keywords)`` for every field, defaults left to the dataclass."""
    options = []
    for item in fields(settings_class):
        meta = item.metadata
        help_text = meta["help"]
        if meta["choices"]:
            help_text += f"; one of {', '.join(meta['choices'])}"
        if not meta["action"] and item.default not in (None, "", ()):
            shown = ",".join(item.default) if isinstance(item.default, tuple) else item.default
            help_text += f" (default: {shown})"
        keywords: dict[str, Any] = {"dest": item.name, "help": help_text.replace("%", "%%")}
        if meta["action"]:
            keywords["action"] = meta["action"]
        else:
            keywords["type"] = meta["parse"] or str
            keywords["metavar"] = {split_list: "A,B", int: "N", float: "X"}.get(meta["parse"], "VALUE")
            if meta["nargs"]:
                keywords["nargs"] = meta["nargs"]
            if meta.get("const") is not None:
                keywords["const"] = meta["const"]
        options.append((item.name, flag_of(settings_class, item.name), keywords))
    return options
