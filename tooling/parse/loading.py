"""One YAML mapping from bytes: decode, load, require a mapping, check the schema.

Votes, delegations, governance.yaml and the ledger all load this way; only
what they build from the checked mapping differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Positions
from tooling.parse import schemas
from tooling.parse.yamlio import MAX_FILE_BYTES, LoadError, decode, load_yaml


def load_error(file: str, err: LoadError) -> Diagnostic:
    return rule(err.kind).at(file, (err.line, err.col), err.message, err.hint)


def safe_text(raw: bytes, limit: int = MAX_FILE_BYTES) -> str | None:
    """The file's text for showing context around a finding (None for a file over the limit)."""
    if len(raw) > limit:
        return None
    return raw.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class LoadedMapping:
    data: dict[str, Any] | None  # the schema-valid mapping; None when the file is unusable
    diagnostics: tuple[Diagnostic, ...]
    text: str | None
    positions: Positions | None


def load_mapping(path: str, raw: bytes, schema: str, not_mapping: tuple[str, str, str | None],
                 limit: int = MAX_FILE_BYTES) -> LoadedMapping:
    """``raw`` as a mapping valid against ``schema``; ``not_mapping`` is (rule slug, message, hint) for a non-mapping."""
    try:
        text = decode(raw, limit)
        loaded = load_yaml(text)
    except LoadError as err:
        return LoadedMapping(None, (load_error(path, err),), safe_text(raw, limit), None)
    if not isinstance(loaded.data, dict):
        slug, message, hint = not_mapping
        return LoadedMapping(None, (rule(slug).at(path, (1, 1), message, hint),), text, loaded.positions)
    diags = schemas.check(schema, loaded.data, loaded.positions, path)
    if diags:
        return LoadedMapping(None, tuple(diags), text, loaded.positions)
    return LoadedMapping(loaded.data, (), text, loaded.positions)
