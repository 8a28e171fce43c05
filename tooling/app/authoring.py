"""Writing new proposals: ``nep new``, the Python API ``create_proposal``.

A proposal made here is written with every field explicit (the neutral
impact values included), so it passes the same checks as a hand-written file.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from decimal import Decimal

from tooling.core.economics import describe, describe_field, is_neutral, moved_fields
from tooling.core.model import Author, EconomicImpact, NEPType, ParameterChange, Proposal, UpgradePath
from tooling.checks.rules import phase
from tooling.checks.rules.metadata import bad_text
from tooling.parse.yamlpatch import quote, render_scalar

PLACEHOLDER_NODE = phase.PLACEHOLDER_NODE
_NODE = re.compile(r"^[0-9a-f]{32}$")


class AuthoringError(Exception):
    """A proposal that cannot be made or written as asked (the message says why)."""


@dataclass
class NewProposal:
    """A proposal not yet written; ``write(repo)`` creates ``neps/nep-NNNN.md``."""

    title: str
    nep_type: NEPType
    economic_impact: EconomicImpact = field(default_factory=EconomicImpact)
    upgrade_path: UpgradePath = field(default_factory=UpgradePath)
    parameter_changes: Sequence[ParameterChange] = ()
    authors: Sequence[Author] = ()
    abstract: str = ""
    motivation: str = ""
    specification: str = ""
    economic_impact_text: str = ""
    upgrade_path_text: str = ""
    requires: Sequence[int] = ()
    supersedes: Sequence[int] = ()
    discussion: str | None = None
    created: str | None = None
    nep: int | None = None  # assigned by write()

    def __str__(self) -> str:
        number = f"NEP-{self.nep:04d}" if self.nep is not None else "NEP (unnumbered)"
        return f"{number} [{self.nep_type.label}] {self.title} ({self.describe()})"

    def __repr__(self) -> str:
        return (f"NewProposal(nep={self.nep!r}, title={self.title!r}, type={self.nep_type.value!r}, "
                f"impact={self.describe()!r})")

    def is_neutral(self) -> bool:
        """True when every economic impact field is at its no-change value."""
        return is_neutral(self.economic_impact)

    def describe(self) -> str:
        """A one-line summary of the economic impact."""
        return describe(self.economic_impact)

    def _render(self, nep: int, today: str) -> str:
        return _render_nep(self, nep, today)

    def write(self, repo: str | Path = ".", *, today: str | None = None) -> Path:
        """Write the next free ``neps/nep-NNNN.md`` (never overwriting) and return its path.

        ``repo`` must hold a ``governance.yaml`` (as for ``nep new``). The
        ``created`` date is ``self.created``, else ``today`` (YYYY-MM-DD), else
        today's date in UTC.
        """
        from tooling.shell.fsio import write_new

        root = Path(repo)
        if not (root / "governance.yaml").is_file():
            raise AuthoringError(f"{root} has no governance.yaml: write into a NEP repository "
                                 "(`nep init` creates one)")
        if today is None:
            from tooling.shell.clock import utc_today

            today = utc_today()
        today = self.created or today
        (root / "neps").mkdir(parents=True, exist_ok=True)
        for _ in range(100):  # another writer may take the number between the scan and the write
            n = next_number(root)
            path = root / "neps" / f"nep-{n:04d}.md"
            try:
                write_new(path, self._render(n, today).encode("utf-8"))
            except FileExistsError:
                continue
            self.nep = n
            return path
        raise AuthoringError("could not find a free NEP number")


def next_number(root: Path) -> int:
    """The number after the highest ``neps/nep-NNNN.md`` (1 in an empty repository)."""
    nums = [int(m.group(1)) for f in (root / "neps").glob("nep-*.md") if (m := re.match(r"nep-(\d+)\.md$", f.name))]
    return max(nums, default=0) + 1


def _author(a: Any) -> Author:
    if isinstance(a, Author):
        return a
    if isinstance(a, dict):
        return Author(name=a["name"], node=a["node"], github=a.get("github"), email=a.get("email"))
    if isinstance(a, str):
        name, sep, node = a.rpartition(":")
        if not sep or not name.strip():
            raise AuthoringError(f"author {a!r}: expected NAME:NODE")
        if not _NODE.match(node):
            raise AuthoringError(f"author {a!r}: NODE must be 32 lowercase hex characters (see `nep key show`)")
        return Author(name=name.strip(), node=node)
    raise AuthoringError(f"author {a!r}: expected NAME:NODE, a dict or an Author")


def create_proposal(
    title: str,
    nep_type: NEPType | str,
    economic_impact: EconomicImpact | None = None,
    upgrade_path: UpgradePath | None = None,
    parameter_changes: Iterable[ParameterChange] = (),
    authors: Iterable[Author | dict | str] = (),
    abstract: str = "",
    motivation: str = "",
    specification: str = "",
    **more: Any,
) -> NewProposal:
    """Build a proposal as the NeuroShard docs show it; ``.write(repo)`` puts it in ``neps/``.

    Omitted prose sections get a TODO placeholder; the Economic Impact
    section lists every non-neutral field, so only the explanations remain
    to be written.
    """
    try:
        t = NEPType(nep_type)
    except ValueError:
        raise AuthoringError(f"unknown NEP type {nep_type!r}; one of {', '.join(x.value for x in NEPType)}") from None
    impact = economic_impact or EconomicImpact()
    try:
        cost = Decimal(str(impact.upgrade_cost_neuro))
    except ArithmeticError:
        cost = Decimal(-1)
    if not cost.is_finite() or cost < 0:
        raise AuthoringError(f"upgrade_cost_neuro must be a non-negative amount, got {impact.upgrade_cost_neuro!r}")
    # NEURO amounts are written as decimal strings, never floats (SPEC 2).
    impact = dataclasses.replace(impact, upgrade_cost_neuro=cost)
    authors_list = tuple(_author(a) for a in authors)
    for label, text in [("title", title)] + [("author name", a.name) for a in authors_list]:
        bad = bad_text(text)
        if bad:
            raise AuthoringError(f"{label} {text!r} contains the invisible character U+{ord(bad.group()):04X}")
    return NewProposal(
        title=title,
        nep_type=t,
        economic_impact=impact,
        upgrade_path=upgrade_path or UpgradePath(),
        parameter_changes=tuple(parameter_changes),
        authors=authors_list,
        abstract=abstract,
        motivation=motivation,
        specification=specification,
        **more,
    )


def _economic_text(p: NewProposal) -> str:
    if p.economic_impact_text:
        return p.economic_impact_text
    moved = moved_fields(p.economic_impact)
    if not moved:
        return f"No economic change: every field of the impact is at its no-change value.\n\n{phase.NEUTRAL_IMPACT}"
    lines = [f"- {describe_field(p.economic_impact, f)} (`{f.name}`)." for f in moved]
    return "\n".join(lines) + f"\n\n{phase.MOVED_IMPACT}"


def _upgrade_text(p: NewProposal) -> str:
    if p.upgrade_path_text:
        return p.upgrade_path_text
    up = p.upgrade_path
    kind = "Backward compatible" if up.backward_compatible else "Breaking (not backward compatible)"
    return (f"{kind}; nodes upgrade from {up.min_version} to {up.target_version} during a grace period of "
            f"{up.grace_period_days} days.\n\n{phase.ROLLOUT}")


def _render_nep(p: NewProposal, nep: int, today: str) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    env.filters["q"] = quote
    env.filters["scalar"] = lambda v: quote(format(v, "f")) if hasattr(v, "as_tuple") else render_scalar(v)
    authors = list(p.authors) or [Author(name=phase.PLACEHOLDER_AUTHOR, node=phase.PLACEHOLDER_NODE)]
    impact = [(f.name, getattr(p.economic_impact, f.name)) for f in dataclasses.fields(p.economic_impact)]
    return env.get_template("nep.md.j2").render(
        nep=nep,
        title=p.title,
        type=p.nep_type.value,
        authors=authors,
        created=p.created or today,
        discussion=p.discussion,
        requires=list(p.requires),
        supersedes=list(p.supersedes),
        impact=impact,
        parameter_changes=list(p.parameter_changes),
        upgrade=p.upgrade_path,
        abstract=p.abstract.strip() or phase.ABSTRACT,
        motivation=p.motivation.strip() or phase.MOTIVATION,
        specification=p.specification.strip() or phase.SPECIFICATION,
        economic_text=_economic_text(p).strip(),
        upgrade_text=_upgrade_text(p).strip(),
    )


def new_from_cli(root: Path, *, nep_type: str, title: str, authors: Sequence[str], today: int) -> Path:
    """``nep new``: write the next NEP dated ``today`` (Unix seconds, UTC date); the path relative to root."""
    from tooling.core.instants import format_date

    if not (root / "governance.yaml").exists():
        raise AuthoringError(f"{root} has no governance.yaml: run nep new in a NEP repository (or pass --repo; "
                             "`nep init` creates one)")
    p = create_proposal(title=title, nep_type=nep_type, authors=[_author(a) for a in authors])
    return p.write(root, today=format_date(today)).relative_to(root)


def load(repo: str | Path = ".") -> list[Proposal]:
    """Every readable proposal of a repository, by number."""
    from tooling.shell.repository import load_repository

    return sorted(load_repository(Path(repo)).proposals, key=lambda p: (p.nep, p.path))
