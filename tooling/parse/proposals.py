"""Reading one NEP file into a ``Proposal``, and one vote file into a ``Vote``.

Pure: bytes in, records and diagnostics out. A file that loads but breaks
its schema still yields a Proposal (with the well-typed parts filled) so
the other rules can run and the author sees every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from tooling.parse import schemas
from tooling.core.diagnostics import Diagnostic
from tooling.core.instants import MAX_INSTANT, parse_instant
from tooling.core.model import (
    IMPACT_FIELDS,
    Author,
    Choice,
    EconomicImpact,
    NEPStatus,
    NEPType,
    Outcome,
    ParameterChange,
    Pos,
    Positions,
    Proposal,
    Reason,
    Resolution,
    UpgradePath,
    Vote,
)
from tooling.core.catalog import rule
from tooling.parse.loading import load_error, load_mapping, safe_text
from tooling.parse.yamlio import LoadError, decode, load_yaml, split_front_matter

# ASCII digits only (\d would take fullwidth and other scripts' digits: "nep-０００５.md" read as NEP 5), and \Z,
# not $, so a name ending in a newline is no NEP file. A vote name with bytes that are not UTF-8 (read as
# surrogate escapes) is no vote file either: no `nep vote` wrote it, and no report could print its name.
NEP_PATH = re.compile(r"^neps/nep-([0-9]{4,})\.md\Z")
VOTE_PATH = re.compile("^votes/nep-([0-9]{4,})/([^/\udc80-\udcff]+)\\.yaml\\Z")
#: An amount of NEURO (SPEC 2, v1.1): at most 30 integer and 18 fractional digits, so no amount can
#: overflow a computation; the schemas' `amount` pattern says the same.
AMOUNT = re.compile(r"(0|[1-9][0-9]{0,29})(\.[0-9]{1,18})?")


@dataclass(frozen=True)
class ParsedNEP:
    proposal: Proposal | None
    diagnostics: tuple[Diagnostic, ...]
    text: str | None


def parse_nep(path: str, raw: bytes, *, check_schema: bool = True) -> ParsedNEP:
    """Decode, split, load and schema-check a NEP file.

    ``check_schema=False``: the caller only wants the proposal (history's
    versions of a NEP); the check adds findings only.
    """
    try:
        text = decode(raw)
        fm = split_front_matter(text)
        loaded = load_yaml(fm.yaml_text, line_offset=fm.yaml_line - 1)
    except LoadError as err:
        return ParsedNEP(None, (load_error(path, err),), safe_text(raw))
    data = loaded.data
    if not isinstance(data, dict):
        d = rule("schema-type").at(path, (2, 1), "front matter must be a mapping of keys to values",
                                   "write 'key: value' lines between the '---' delimiters")
        return ParsedNEP(None, (d,), text)
    diags = schemas.check("nep", data, loaded.positions, path) if check_schema else []
    proposal = build_proposal(path, data, loaded.positions, fm.body, fm.body_line, text)
    return ParsedNEP(proposal, tuple(diags), text)


def parse_nep_loaded(path: str, raw: bytes, data: Mapping[str, Any], positions: Positions) -> ParsedNEP:
    """``parse_nep`` for bytes whose front matter loaded to ``data``/``positions`` and passed the schema before.

    Raises LoadError if the bytes no longer split (the caller's cache was not for these bytes).
    """
    text = decode(raw)
    fm = split_front_matter(text)
    return ParsedNEP(build_proposal(path, data, positions, fm.body, fm.body_line, text), (), text)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _num(v: Any) -> float | int | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _ints(v: Any) -> tuple[int, ...]:
    return tuple(x for x in v if _int(x) is not None) if isinstance(v, list) else ()


def _instant(v: Any) -> int | None:
    try:
        return parse_instant(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, str) and AMOUNT.fullmatch(v):
        return Decimal(v)
    return None


def build_impact(v: Any) -> EconomicImpact | None:
    """The impact if every field is present with a usable type; None otherwise."""
    if not isinstance(v, dict):
        return None
    values: dict[str, Any] = {}
    for f in IMPACT_FIELDS:
        raw = v.get(f.name)
        if f.name == "upgrade_cost_neuro":
            val = _decimal(raw)
        elif f.name == "min_memory_change_mb":
            val = _int(raw)
        else:
            val = _num(raw)
        if val is None:
            return None
        values[f.name] = val
    return EconomicImpact(**values)


def _upgrade(v: Any) -> UpgradePath | None:
    if not isinstance(v, dict):
        return None
    steps = v.get("migration_steps")
    try:
        return UpgradePath(
            min_version=str(v["min_version"]),
            target_version=str(v["target_version"]),
            grace_period_days=_int(v["grace_period_days"]) if _int(v["grace_period_days"]) is not None else 0,
            backward_compatible=v["backward_compatible"] is True,
            requires_checkpoint_reload=v["requires_checkpoint_reload"] is True,
            migration_steps=tuple(s for s in steps if isinstance(s, str)) if isinstance(steps, list) else (),
        )
    except KeyError:
        return None


def _bounded(v: Any) -> Decimal:
    d = _decimal(v)
    if d is None:
        raise ValueError(f"not an amount: {v!r}")
    return d


def _resolution(v: Any) -> Resolution | None:
    if not isinstance(v, dict):
        return None
    try:
        return Resolution(
            outcome=Outcome(v["outcome"]),
            reason=Reason(v["reason"]) if v.get("reason") else None,
            yes=_bounded(v[Choice.YES]),
            no=_bounded(v[Choice.NO]),
            abstain=_bounded(v[Choice.ABSTAIN]),
            total_stake=_bounded(v["total_stake"]),
            quorum_reached=v["quorum_reached"] is True,
            approval_reached=v["approval_reached"] is True,
            decided_at=parse_instant(v["decided_at"]),
        )
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return None


def _enum(cls: type, v: Any) -> Any:
    try:
        return cls(v)
    except ValueError:
        return None


def build_proposal(
    path: str, data: Mapping[str, Any], positions: Positions, body: str, body_line: int, text: str
) -> Proposal:
    from tooling.core.votes import content_hash

    authors = tuple(
        Author(name=str(a.get("name", "")), node=str(a.get("node", "")), github=_str(a.get("github")),
               email=_str(a.get("email")))
        for a in data.get("authors") or []
        if isinstance(a, dict)
    ) if isinstance(data.get("authors"), list) else ()
    changes = tuple(
        ParameterChange(
            module=str(c.get("module", "")),
            parameter=str(c.get("parameter", "")),
            old_value=c.get("old_value"),
            new_value=c.get("new_value"),
            rationale=str(c.get("rationale", "")),
        )
        for c in data.get("parameter_changes") or []
        if isinstance(c, dict)
    ) if isinstance(data.get("parameter_changes"), list) else ()
    m = NEP_PATH.match(path)
    number = _int(data.get("nep"))
    if number is None:
        number = int(m.group(1)) if m else 0
    return Proposal(
        path=path,
        nep=number,
        title=_str(data.get("title")) or "",
        type=_enum(NEPType, data.get("type")),
        status=_enum(NEPStatus, data.get("status")),
        authors=authors,
        created=_str(data.get("created")) or "",
        discussion=_str(data.get("discussion")),
        requires=_ints(data.get("requires")),
        supersedes=_ints(data.get("supersedes")),
        resubmission_of=_int(data.get("resubmission_of")),
        economic_impact=build_impact(data.get("economic_impact")),
        parameter_changes=changes,
        upgrade_path=_upgrade(data.get("upgrade_path")),
        submitted=_instant(data.get("submitted")),
        resolution=_resolution(data.get("resolution")),
        activated=_instant(data.get("activated")),
        body=body,
        body_line=body_line,
        content_hash=content_hash(data, body),
        front_matter=data,
        positions=positions,
        text=text,
    )


# --------------------------------------------------------------------------
# Votes


@dataclass(frozen=True, slots=True)
class ParsedVote:
    vote: Vote | None
    diagnostics: tuple[Diagnostic, ...]  # MALFORMED findings (load or schema)
    text: str | None  # kept only for files with findings; None for a clean canonical file
    positions: Positions | None  # None for a file in the canonical layout (see canonical_vote_pos)

    def pos(self, key: str) -> Pos:
        if self.positions is not None:
            return self.positions.at((key,))
        return canonical_vote_pos(key)


#: The layout `nep vote` writes: the nine keys in order, strings double-quoted
#: without escapes, integers bare. Such a file is read without the YAML machinery.
_VOTE_KEYS = ("nep", "voter", "public_key", "choice", "timestamp", "reason", "content_hash", "network", "signature")
#: The schema's patterns of the fixed-form fields, checked inside the one match (a file whose field breaks
#: one takes the YAML path, where the schema reports it).
_FIELD_PATTERNS = {
    "voter": r"[0-9a-f]{32}",
    "public_key": r"0[23][0-9a-f]{64}",
    "content_hash": r"[0-9a-f]{64}",
    "signature": r"(?:[0-9a-f]{2}){8,72}",
}
_CANONICAL_VOTE = re.compile(
    "".join(
        rf'{k}: (?P<{k}>0|[1-9][0-9]{{0,15}})\n' if k in ("nep", "timestamp")
        else rf'{k}: "(?P<{k}>{_FIELD_PATTERNS[k]})"\n' if k in _FIELD_PATTERNS
        else rf'{k}: "(?P<{k}>[^"\\\n]*)"\n'
        for k in _VOTE_KEYS
    )
)
_REASON_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: What YAML would refuse or read differently inside a double-quoted scalar (non-printable characters,
#: line breaks it folds to a space, a BOM): such a file takes the YAML path so both paths agree.
_FAST_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def canonical_vote_pos(key: str) -> Pos:
    """Where ``key``'s value starts in a canonical vote file."""
    return Pos(_VOTE_KEYS.index(key) + 1, len(key) + 3) if key in _VOTE_KEYS else Pos(1, 1)


_CHOICES = frozenset(Choice)


def _fast_vote(path: str, text: str) -> Vote | None:
    """The vote of a canonical, schema-valid file; None means: take the full path."""
    m = _CANONICAL_VOTE.fullmatch(text)
    if m is None:
        return None
    g = m.groupdict()
    nep, ts = int(g["nep"]), int(g["timestamp"])
    if nep < 1 or ts > MAX_INSTANT or g["choice"] not in _CHOICES or not g["network"]:
        return None
    if len(g["reason"]) > 10000 or _REASON_BAD.search(g["reason"]) or _FAST_UNSAFE.search(g["network"] + g["reason"]):
        return None
    return Vote(path=path, nep=nep, voter=g["voter"], public_key=g["public_key"], choice=Choice(g["choice"]),
                timestamp=ts, reason=g["reason"], content_hash=g["content_hash"], network=g["network"],
                signature=g["signature"])


def parse_vote(path: str, raw: bytes) -> ParsedVote:
    # Every vote `nep vote` wrote takes this path: 100,000 of them must not cost a YAML parse each.
    if len(raw) <= (1 << 20):
        try:
            fast = _fast_vote(path, raw.decode("utf-8"))
        except UnicodeDecodeError:
            fast = None
        if fast is not None:
            return ParsedVote(fast, (), None, None)
    m = load_mapping(path, raw, "vote",
                     ("vote-malformed", "a vote file must be a mapping", "create vote files with `nep vote`"))
    if m.data is None:
        return ParsedVote(None, m.diagnostics, m.text, m.positions)
    from tooling.core.votes import vote_from_mapping

    return ParsedVote(vote_from_mapping(m.data, path), (), m.text, m.positions)


# --------------------------------------------------------------------------
# governance.yaml and the ledger, from bytes (a work tree's file or a git blob alike)


@dataclass(frozen=True)
class ParsedControl:
    """governance.yaml or the ledger: the schema-valid mapping (None if unusable), findings, text."""

    data: dict[str, Any] | None
    diagnostics: tuple[Diagnostic, ...]
    text: str | None


def parse_control(kind: str, path: str, raw: bytes, limit: int) -> ParsedControl:
    """Decode, load and schema-check ``governance`` or ``ledger`` bytes (``kind`` is the schema's name)."""
    invalid = "governance-invalid" if kind == "governance" else "ledger-invalid"
    what = "governance.yaml must be a mapping" if kind == "governance" else \
        "the ledger must be a mapping {entries: [...]}"
    loaded = load_mapping(path, raw, kind, (invalid, what, None), limit)
    if loaded.data is None or loaded.positions is None:
        return ParsedControl(None, loaded.diagnostics, loaded.text)
    text, diags = loaded.text, []
    if kind == "ledger":
        for i, e in enumerate(loaded.data["entries"]):
            for key in ("since", "locked_until"):
                try:
                    parse_instant(e[key])
                except ValueError as exc:
                    diags.append(rule(invalid).at(path, loaded.positions.at(("entries", i, key)), str(exc)))
        if diags:
            return ParsedControl(None, tuple(diags), text)
    return ParsedControl(loaded.data, (), text)
