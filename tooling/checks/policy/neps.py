"""The policy on NEP files: what an author may change, and when (SPEC 7, 9)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from tooling.checks.policy.context import Context, Findings, fmt, found
from tooling.checks.policy.rules import r
from tooling.checks.policy.snapshot import Snapshot
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import AUTHOR_STATUSES, NEPState, NEPStatus, Pos, Proposal

BOT_ONLY_FIELDS = ("submitted", "resolution", "activated")
_OPEN = frozenset({NEPStatus.DRAFT, NEPStatus.REVIEW})


def renumberings(changes: Sequence[tuple[str, str]], base: Snapshot, head: Snapshot) -> dict[str, str]:
    """Added NEP path -> deleted NEP path it appears to be, by equal body or equal title."""
    deleted = [base.proposal_at(p) for s, p in changes if s == "D" and p.startswith("neps/")]
    added = [head.proposal_at(p) for s, p in changes if s == "A" and p.startswith("neps/")]
    out: dict[str, str] = {}
    used: set[str] = set()
    for new in added:
        if new is None:
            continue
        for old in deleted:
            if old is None or old.path in used:
                continue
            if old.body == new.body or (old.title and old.title == new.title):
                out[new.path] = old.path
                used.add(old.path)
                break
    return out


def _key_pos(p: Proposal, key: str) -> Pos:
    return p.positions.key_at((key,))


def check_nep(ctx: Context, status: str, path: str, renamed: Mapping[str, str]) -> Findings:
    old = ctx.base.proposal_at(path) if status != "A" else None
    new = ctx.head.proposal_at(path) if status != "D" else None
    if status == "D":
        if path in renamed.values():
            return Findings()  # reported once, on the added file
        label = old.label if old else path
        return found(r("pr-nep-deleted").at(
            path, (1, 1), f"{label} ({path}) is deleted; NEP files stay in the repository for good"),
            notes=((old.nep, "deleted"),) if old is not None else ())
    if new is None:
        return Findings()  # unreadable: validate reports why
    if status == "A" or old is None:
        # An unreadable base version is judged as a new file would be.
        return check_new_nep(ctx, new, renamed.get(path) if status == "A" else None)
    return check_changed_nep(ctx, old, new)


def check_changed_nep(ctx: Context, old: Proposal, new: Proposal) -> Findings:
    st = ctx.state_of(old)
    path = new.path
    base_fm, head_fm = old.front_matter, new.front_matter
    out: list[Diagnostic] = []
    notes: list[tuple[int, str]] = []
    if base_fm.get("nep") != head_fm.get("nep"):
        notes.append((old.nep, f"renumbered to {head_fm.get('nep')!r}"))
        out.append(r("pr-nep-renumbered").at(
            path, new.positions.at(("nep",)),
            f"`nep` changes from {base_fm.get('nep')!r} to {head_fm.get('nep')!r}; a NEP keeps its number"))
    for key in BOT_ONLY_FIELDS:
        if key not in base_fm and key not in head_fm:
            continue
        if key not in head_fm:
            pos, what = Pos(1, 1), "removes"
        elif key not in base_fm:
            pos, what = _key_pos(new, key), "adds"
        elif base_fm[key] != head_fm[key]:
            pos, what = _key_pos(new, key), "changes"
        else:
            continue
        notes.append((old.nep, f"touches `{key}`"))
        out.append(r("pr-bot-field").at(path, pos, f"this change {what} `{key}` of {old.label}; only the bot writes it"))
    result = found(*out, notes=tuple(notes))
    if st is not None and st.submitted is not None and st.submitted <= ctx.as_of:
        result += check_submission_fixed(old, new)
    s0, s1 = base_fm.get("status"), head_fm.get("status")
    if s0 != s1 and isinstance(s1, str):  # a missing or non-string status is a schema error (validate)
        result += check_status(ctx, old, new, st, s0, s1)
    if old.content_hash != new.content_hash:
        result += found(notes=((old.nep, "content edited"),))
        why = frozen(st, ctx.as_of)
        if why is not None:
            result += found(r("pr-content-frozen").at(
                path, first_difference(old, new),
                f"the content of {old.label} changes, but {why}; its content can no longer change"))
    return result


def check_submission_fixed(old: Proposal, new: Proposal) -> Findings:
    """The T0 checks and the windows were decided on the submitted file; a later edit must not redo them."""
    changed: list[tuple[str, str]] = []
    if old.type is not None and new.type is not None and old.type.track != new.type.track:
        changed.append(("type", f"the track ({old.type.track} -> {new.type.track})"))
    if old.proposer != new.proposer:
        changed.append(("authors", "the proposer (first author's node)"))
    if old.resubmission_of != new.resubmission_of:
        changed.append(("resubmission_of", "resubmission_of"))
    return found(*(r("pr-submission-fixed").at(
        new.path, _key_pos(new, key), f"this change alters {what} of {old.label} after its submission")
        for key, what in changed))


def check_new_nep(ctx: Context, new: Proposal, renumbered_from: str | None) -> Findings:
    fm = new.front_matter
    if renumbered_from is not None:
        old = ctx.base.proposal_at(renumbered_from)
        was = old.label if old else renumbered_from
        return found(r("pr-nep-renumbered").at(
            new.path, new.positions.at(("nep",)),
            f"{new.path} replaces {renumbered_from} ({was}), which this change deletes: a NEP keeps its number "
            "and its file"), notes=((new.nep, f"renumbered from {was}"),))
    s1 = fm.get("status")
    out: list[Diagnostic] = []
    if s1 not in (NEPStatus.DRAFT.value, NEPStatus.REVIEW.value):
        out.append(r("pr-status-transition").at(
            new.path, new.positions.at(("status",)),
            f"a new NEP starts with `status: draft` or `status: review`, not {s1!r}"))
    out += [r("pr-bot-field").at(new.path, _key_pos(new, key), f"a new NEP must not contain `{key}`; only the bot "
                                 "writes it") for key in BOT_ONLY_FIELDS if key in fm]
    return found(*out, notes=((new.nep, f"new ({s1})" if isinstance(s1, str) else "new"),))


def frozen(st: NEPState | None, as_of: int) -> str | None:
    """Why a NEP's content may no longer change at ``as_of`` (None: it may)."""
    if st is None:
        return None
    if st.voting_start is not None and as_of >= st.voting_start:
        return f"its voting started at {fmt(st.voting_start)}"
    if st.status in _OPEN:
        return None
    if st.status is NEPStatus.WITHDRAWN:
        return "it is withdrawn"
    if st.decided_at is not None:
        return f"it was decided ({st.status}) at {fmt(st.decided_at)}"
    return f"it is {st.status}"


def check_status(ctx: Context, old: Proposal, new: Proposal, st: NEPState | None, s0: Any, s1: str) -> Findings:
    label, path = old.label, new.path
    pos = new.positions.at(("status",))
    computed = st.status if st is not None else NEPStatus.DRAFT
    note = ((old.nep, f"status {s0} → {s1}"),)

    def refuse(slug: str, message: str, hint: str | None = None) -> Findings:
        return found(r(slug).at(path, pos, message, hint), notes=note)

    if s1 not in {s.value for s in AUTHOR_STATUSES}:
        return refuse("pr-status-transition",
                      f"`status: {s1}` is the bot's to write; authors write draft, review or withdrawn")
    if computed is NEPStatus.WITHDRAWN and s1 != NEPStatus.WITHDRAWN.value:
        return refuse("pr-status-transition",
                      f"{label} is withdrawn, and withdrawn is final; a new proposal needs a new NEP file")
    if s1 == NEPStatus.WITHDRAWN.value:
        if computed in _OPEN or computed is NEPStatus.WITHDRAWN:
            return found(notes=note)
        if st is not None and st.voting_start is not None and ctx.as_of >= st.voting_start:
            return refuse("pr-withdraw-after-voting-start",
                          f"{label}'s voting started at {fmt(st.voting_start)}; a withdrawal now would be ignored")
        return refuse("pr-status-transition", f"{label} is {computed}; a decided NEP cannot be withdrawn")
    if computed not in _OPEN:
        return refuse("pr-status-transition", f"{label} is {computed}; its status is the bot's to write now")
    if s1 == NEPStatus.DRAFT.value and computed is NEPStatus.REVIEW:
        return refuse("pr-status-transition",
                      f"{label} was submitted at {fmt(st.submitted if st else None)}; setting it back to draft "
                      "would not undo the submission", "withdraw it instead (`status: withdrawn`), before voting start")
    return found(notes=note)


def first_difference(old: Proposal, new: Proposal) -> Pos:
    """Where the content first differs: the first changed author key, else the first changed body line."""
    from tooling.core.votes import BOT_FIELDS

    for key, value in new.front_matter.items():
        if key not in BOT_FIELDS and (key not in old.front_matter or old.front_matter[key] != value):
            return new.positions.key_at((key,))
    if any(k not in new.front_matter for k in old.front_matter if k not in BOT_FIELDS):
        return Pos(2, 1)
    a, b = old.body.replace("\r\n", "\n").split("\n"), new.body.replace("\r\n", "\n").split("\n")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return Pos(new.body_line + i, 1)
    return Pos(new.body_line + min(len(a), len(b)), 1)
