"""The JSON Schemas the tool ships, compiled once per process, and their findings.

The schemas belong to the tool's version: they are read from the package
(``tooling/schema_files`` in a wheel, ``schemas/`` beside the package in a
checkout), never from ``--repo``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Positions
from tooling.core.catalog import rule

KINDS = ("nep", "vote", "governance", "ledger", "delegation")
_VERSION_KEYS = frozenset({"min_version", "target_version", "protocol_version"})
_TEXT_KEYS = frozenset({"reason"})


def schema_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "schema_files"
    return packaged if packaged.is_dir() else package.parent / "schemas"


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    return json.loads((schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(kind: str) -> Any:
    # Compiled once per process: building a validator per file costs 12-240x.
    from jsonschema import Draft202012Validator, validators

    # JSON Schema's "integer" admits 14.0; our files are YAML where 14.0 is a float the
    # typed model would drop, so integers must be written as integers.
    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool)
    )
    cls = validators.extend(Draft202012Validator, type_checker=checker)
    return cls(schema(kind))


def _path_text(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def check(kind: str, data: Any, positions: Positions, file: str) -> list[Diagnostic]:
    """Validate ``data``; one diagnostic per distinct problem, at the offending key or value."""
    from jsonschema.exceptions import best_match

    v = validator(kind)
    errors = list(v.iter_errors(data))
    out: list[Diagnostic] = []
    for err in errors:
        if err.validator in ("anyOf", "oneOf") and err.context:
            err = best_match(err.context)
        out.extend(_to_diagnostics(err, positions, file))
    # One finding per place and rule: jsonschema may report a value twice via $ref.
    seen: set[tuple] = set()
    unique = []
    for d in sorted(out, key=lambda d: (d.line, d.col, d.code, d.message)):
        k = (d.line, d.col, d.code, d.message)
        if k not in seen:
            seen.add(k)
            unique.append(d)
    return unique


def _to_diagnostics(err: Any, positions: Positions, file: str) -> list[Diagnostic]:
    path = tuple(err.absolute_path)
    where = _path_text(path)
    kind = err.validator
    if kind == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        r = rule("econ-missing-field") if path == ("economic_impact",) else rule("schema-required")
        pos = positions.key_at(path) if path else positions.at(())
        return [
            r.at(file, pos, f"{where}: missing required key '{k}'", _required_hint(path, k))
            for k in missing
        ]
    if kind == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        return [
            rule("schema-unknown-key").at(
                file,
                positions.key_at(path + (k,)),
                f"{where}: unknown key '{k}'{did_you_mean(str(k), allowed)}",
                _unknown_key_hint(str(k), allowed),
            )
            for k in extra
        ]
    pos = positions.at(path)
    desc = err.schema.get("description") if isinstance(err.schema, dict) else None
    if kind == "type":
        expected = err.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = _type_name(err.instance)
        hint = desc or None
        if expected == "string" and got in ("boolean", "number", "integer", "null"):
            hint = "quote the value so YAML reads it as text" + (f" ({desc})" if desc else "")
        elif expected in ("integer", "number") and got == "string" and _is_number(err.instance, expected):
            hint = f"write {err.instance.strip()} without quotes"
        elif expected == "boolean" and got == "string":
            hint = "write true or false (without quotes)"
        return [rule("schema-type").at(file, pos, f"{where}: expected {expected}, got {got} {_short(err.instance)}", hint)]
    if kind == "enum":
        options = ", ".join(json.dumps(o) for o in err.validator_value)
        suggestion = did_you_mean(err.instance, [o for o in err.validator_value if isinstance(o, str)]) \
            if isinstance(err.instance, str) else ""
        return [rule("schema-value").at(file, pos, f"{where}: {_short(err.instance)} is not one of {options}"
                                        f"{suggestion}", desc)]
    if kind == "pattern" and path and path[-1] in _VERSION_KEYS:
        return [rule("version-syntax").at(file, pos, f"{where}: {_short(err.instance)} is not MAJOR.MINOR.PATCH",
                                          "write a semantic version such as 1.2.0")]
    if kind == "pattern" and path and path[-1] in _TEXT_KEYS:
        return [rule("text-control-chars").at(file, pos, f"{where}: contains control or bidirectional-override "
                                              "characters", "remove invisible control and bidi-override characters")]
    if kind == "pattern":
        return [rule("schema-value").at(file, pos, f"{where}: {_short(err.instance)} has the wrong form", desc)]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [rule("schema-value").at(file, pos, f"{where}: {err.message}", desc)]
    if kind in ("minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "not"):
        return [rule("schema-value").at(file, pos, f"{where}: {_short(err.instance)} {_length_message(err)}", desc)]
    return [rule("schema-value").at(file, pos, f"{where}: {err.message}", desc)]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` for the closest candidate (difflib), or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    if not close and word.lower() in {c.lower() for c in candidates}:
        close = [c for c in candidates if c.lower() == word.lower()]
    return f" (did you mean `{close[0]}`?)" if close else ""


def _unknown_key_hint(key: str, allowed: set[str]) -> str:
    suggestion = did_you_mean(key, allowed)
    if suggestion:
        return f"fix its spelling{suggestion}, or remove it"
    return f"remove it; allowed keys: {', '.join(sorted(allowed))}"


def _is_number(text: str, expected: str) -> bool:
    import re

    pattern = r"-?\d+" if expected == "integer" else r"-?\d+(\.\d+)?([eE][-+]?\d+)?"
    return re.fullmatch(pattern, text.strip()) is not None


def _required_hint(path: tuple, key: str) -> str:
    if path == ("economic_impact",):
        return f"write '{key}' explicitly, even at its no-change value; the impact must be complete"
    return f"add '{key}'"


def _length_message(err: Any) -> str:
    v = err.validator_value
    return {
        "minLength": f"is too short (at least {v} characters)",
        "maxLength": f"is too long (at most {v} characters)",
        "minItems": f"needs at least {v} item(s)",
        "maxItems": f"allows at most {v} item(s)",
        "uniqueItems": "has duplicate items",
        "not": "is not allowed here",
    }[err.validator]


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
