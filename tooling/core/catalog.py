"""Every rule the tool reports, with its stable code, slug and default severity.

Codes and slugs never change meaning once published; ``docs/rules.md`` is
generated from this table (``python -m tooling.core.catalog``) and a test
checks that it is current.
"""

from __future__ import annotations

from dataclasses import dataclass

from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Pos, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    summary: str
    help: str

    def at(self, file: str, pos: Pos | tuple[int, int], message: str, hint: str | None = None) -> Diagnostic:
        line, col = (pos.line, pos.col) if isinstance(pos, Pos) else pos
        return Diagnostic(self.code, self.slug, self.severity, printable(file), line, col, printable(message),
                          printable(hint or self.help))


def printable(text: str) -> str:
    """``text`` as valid UTF-8: the bytes of a file name that is not UTF-8 (read as surrogate escapes) become
    ``\\xNN``, so every renderer can print a finding about it and JSON output stays valid UTF-8."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape" if all(
            not ("\ud800" <= c <= "\udfff") or "\udc80" <= c <= "\udcff" for c in text) else "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")


E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

_RULES = [
    # Repository and files
    Rule("NEP001", "governance-invalid", E, "governance.yaml is missing or invalid",
         "fix governance.yaml; every command needs the genesis parameters"),
    Rule("NEP002", "ledger-invalid", E, "stakes/ledger.yaml is invalid",
         "each entry needs node, amount (decimal string), since and locked_until (RFC 3339 'Z' instants)"),
    Rule("NEP003", "unknown-file", E, "a file in neps/ or votes/ that is not a NEP or vote file",
         "NEPs are neps/nep-NNNN.md; votes are votes/nep-NNNN/<voter>.yaml"),
    Rule("NEP004", "not-a-file", E, "a symbolic link or directory where a file is expected",
         "replace it with a regular file; links are never followed"),
    Rule("NEP008", "decision-mismatch", E,
         "a NEP file records a decision (resolution, decided status) that the recomputation from history contradicts",
         "decisions are final: nep advance leaves the file alone; find which input changed after the decision "
         "(ledger, governance.yaml, a forced edit) and restore the record from history"),
    Rule("NEP005", "path-not-found", E, "a path given on the command line does not exist",
         "check the path; give files or folders inside the repository"),
    # Loading
    Rule("NEP100", "file-too-large", E, "a file over 1 MiB", "keep NEP and vote files under 1 MiB"),
    Rule("NEP101", "not-utf8", E, "a file that is not UTF-8 (or has a BOM)", "save the file as UTF-8 without BOM"),
    Rule("NEP102", "no-front-matter", E, "the file does not start with '---' front matter closed by '---'",
         "start the file with '---', the YAML front matter, then '---'"),
    Rule("NEP103", "yaml-syntax", E, "the YAML does not parse", "fix the YAML syntax"),
    Rule("NEP104", "yaml-duplicate-key", E, "a key appears twice in one mapping", "keep one of the two"),
    Rule("NEP105", "yaml-unsupported", E,
         "YAML the spec excludes: tags, merge keys, non-finite numbers, alias bombs",
         "write plain values"),
    # Schema
    Rule("NEP200", "schema-type", E, "a value has the wrong type", "see the schema in schemas/"),
    Rule("NEP201", "schema-required", E, "a required key is missing", "add the key"),
    Rule("NEP202", "schema-unknown-key", E, "a key the schema does not know", "remove the key or fix its spelling"),
    Rule("NEP203", "schema-value", E, "a value outside its allowed set, pattern or range", "see the schema in schemas/"),
    Rule("NEP204", "text-control-chars", E,
         "a title, name or reason contains control characters or bidirectional overrides",
         "remove invisible control and bidi-override characters"),
    # Proposal metadata
    Rule("NEP210", "number-mismatch", E, "the `nep` number differs from the file name",
         "name the file neps/nep-NNNN.md with NNNN the zero-padded `nep` number"),
    Rule("NEP211", "duplicate-number", E, "two files claim the same NEP number", "renumber one of them"),
    Rule("NEP212", "unknown-reference", E, "requires/supersedes/resubmission_of names a NEP that does not exist",
         "reference an existing NEP number"),
    Rule("NEP213", "self-reference", E, "a NEP references itself", "remove the self reference"),
    Rule("NEP214", "reference-cycle", E, "requires/supersedes form a cycle", "break the cycle"),
    Rule("NEP215", "resubmission-not-rejected", E, "resubmission_of names a NEP that is not rejected",
         "only a rejected NEP can be resubmitted; remove resubmission_of or fix the number"),
    Rule("NEP216", "status-not-authored", E, "an author-written status other than draft, review or withdrawn "
         "without the bot's `submitted`",
         "authors write draft, review or withdrawn; the bot writes the rest"),
    # Body
    Rule("NEP300", "body-missing-section", E, "a required level-2 section is missing",
         "add the section: Abstract, Motivation, Specification, Economic Impact, Upgrade Path"),
    Rule("NEP301", "body-section-order", E, "required sections are out of order",
         "order: Abstract, Motivation, Specification, Economic Impact, Upgrade Path"),
    Rule("NEP302", "body-empty-section", E, "a required section has no content", "write the section"),
    Rule("NEP303", "body-h1", E, "the body has a level-1 heading", "the title lives in the front matter; use ## headings"),
    Rule("NEP304", "body-unknown-section", N, "a level-2 section outside the standard set",
         "standard optional sections: Rationale, Security Considerations, Backwards Compatibility, "
         "Test Plan, References"),
    Rule("NEP305", "placeholder", E, "a placeholder that `nep new` wrote is still there: one of its 'TODO:' "
         "paragraphs, the author 'TODO: your name', the all-zero node id",
         "replace the placeholder with the real text, name or node id (a warning while the NEP is a draft)"),
    # Economic impact (SPEC 3.1)
    Rule("NEP400", "econ-missing-field", E, "an economic impact field is missing",
         "write all nine fields explicitly, even at their no-change values"),
    Rule("NEP401", "econ-neutral-type", E, "type econ with a neutral economic impact",
         "an econ proposal changes earnings: state the impact, or change the type"),
    Rule("NEP402", "econ-neutral-param-change", E,
         "an economics.* parameter change with a fully neutral impact",
         "state how the parameter change moves rewards, costs or earnings"),
    Rule("NEP403", "econ-sign-mismatch", E,
         "net earnings change disagrees in sign with the reward multipliers",
         "if rewards go up (down) and nothing else moves, net earnings must go up (down)"),
    Rule("NEP404", "econ-migration-steps", E,
         "an upgrade cost, checkpoint reload, or memory/compute change without migration steps",
         "list the operator's migration steps in upgrade_path.migration_steps"),
    Rule("NEP405", "econ-unexplained-field", E,
         "a non-neutral impact field is not explained in ## Economic Impact",
         "mention the field (its name or label, e.g. 'Memory requirement') in the Economic Impact section"),
    Rule("NEP406", "econ-net-unexplained", W,
         "reward multipliers move but net earnings stay at 0 and nothing else moved",
         "estimate the net change, or state the cost that offsets the rewards"),
    # Upgrade path and parameters (SPEC 3.2, 3.3)
    Rule("NEP500", "version-syntax", E, "a version that is not semantic (MAJOR.MINOR.PATCH)", "write e.g. 1.2.0"),
    Rule("NEP501", "version-min-above-current", E, "min_version is above the protocol version in force",
         "min_version must be at most the version in force"),
    Rule("NEP502", "version-target-not-above", E, "target_version is not above the protocol version in force",
         "target a version above the one in force"),
    Rule("NEP503", "version-major-compat", E, "a MAJOR bump if and only if backward_compatible is false",
         "breaking changes bump MAJOR; compatible ones bump MINOR or PATCH"),
    Rule("NEP504", "grace-out-of-bounds", E, "grace_period_days outside the track's bounds",
         "standard track: 7 to 30 days; emergency: 0 to 7 (as in force)"),
    Rule("NEP505", "param-stale-old-value", E, "old_value differs from the value in force",
         "copy the value in force (nep config) into old_value"),
    Rule("NEP506", "param-conflict", W, "two open proposals change the same parameter",
         "coordinate with the other proposal's authors; only one value can win"),
    Rule("NEP507", "param-duplicate", E, "one proposal changes the same parameter twice", "merge the two changes"),
    Rule("NEP508", "param-identity", W, "a parameter change whose new value equals the old value",
         "remove the no-op change"),
    # Votes (SPEC 4)
    Rule("NEP600", "vote-malformed", E, "a vote file that fails its schema (MALFORMED)", "see schemas/vote.schema.json"),
    Rule("NEP601", "vote-wrong-path", E, "a vote file whose path disagrees with its voter or nep (WRONG_PATH)",
         "store the vote as votes/nep-NNNN/<voter>.yaml"),
    Rule("NEP602", "vote-wrong-network", E, "a vote signed for another network (WRONG_NETWORK)",
         "sign for the network named in governance.yaml"),
    Rule("NEP603", "vote-bad-key", E, "the public key does not hash to the voter (BAD_KEY)",
         "voter must be the node id of public_key"),
    Rule("NEP604", "vote-bad-signature", E, "the signature is invalid or high-s (BAD_SIGNATURE)",
         "re-create the vote with `nep vote`"),
    Rule("NEP605", "vote-not-counted", N, "a valid vote file that the tally does not count",
         "see `nep tally` for the code"),
    # Delegation files (SPEC 11): codes intrinsic to the file are errors, the others notices.
    Rule("NEP620", "delegation-wrong-path", E,
         "a delegation file whose name is not its delegator (WRONG_PATH)",
         "store the delegation as delegations/<delegator>.yaml (`nep delegate` does)"),
    Rule("NEP621", "delegation-wrong-network", E,
         "a delegation signed for another network than governance.yaml's (WRONG_NETWORK)",
         "sign for the network named in governance.yaml (`nep delegate` does)"),
    Rule("NEP622", "delegation-bad-key", E,
         "a delegation whose public key does not hash to its delegator (BAD_KEY)",
         "delegator must be the node id of public_key; re-create the file with `nep delegate`"),
    Rule("NEP623", "delegation-bad-signature", E,
         "a delegation whose signature is invalid or high-s (BAD_SIGNATURE)",
         "re-create the file with `nep delegate`"),
    Rule("NEP624", "delegation-self", E,
         "a node delegates to itself (SELF_DELEGATION)",
         "delegate to another node, or revoke with `nep delegate --revoke`"),
    Rule("NEP625", "delegation-not-in-force", N,
         "a delegation version that changes nothing: its timestamp is too far ahead of its inclusion "
         "(FUTURE_TIMESTAMP) or not later than the delegation in force (STALE)",
         "the delegation in force before it stays; sign a new one with `nep delegate` (a later timestamp, "
         "at most 300 s ahead of the merge)"),
    Rule("NEP010", "input-invalid", W,
         "a committed version of governance.yaml or stakes/ledger.yaml is missing, unreadable or invalid",
         "it is ignored: the last valid version before it stays in force; commit a valid version"),
    Rule("NEP011", "history-disagrees", W, "a bot field (submitted, resolution, activated) disagrees with history",
         "history decides; `nep advance` writes the value history gives"),
]

# check-pr's rules (SPEC 9): what a pull request may change.
POLICY_RULES: list[Rule] = [
    Rule("NEP700", "pr-content-frozen", E,
         "a NEP's content changes at or after its voting start (or after it was withdrawn or decided)",
         "votes bind to the content at voting start; revert the change and propose it in a new NEP "
         "(list this one in `supersedes`)"),
    Rule("NEP701", "pr-bot-field", E,
         "a pull request adds, changes or removes `submitted`, `resolution` or `activated`",
         "leave submitted, resolution and activated to the bot; if your branch is behind main, merge main into it"),
    Rule("NEP702", "pr-status-transition", E,
         "a status change that authors may not make",
         "authors may set draft -> review, and draft or review -> withdrawn before voting start; "
         "the bot writes every other status"),
    Rule("NEP703", "pr-withdraw-after-voting-start", E,
         "a withdrawal at or after the NEP's voting start",
         "once voting has started the vote runs to its end; leave the status as it is"),
    Rule("NEP704", "pr-vote-changed", E,
         "a vote file that main already has (or had) is changed",
         "votes are final: revert the change; if your branch is behind main, merge main into it"),
    Rule("NEP705", "pr-vote-deleted", E,
         "a vote file is deleted",
         "votes are final: restore the file; if your branch is behind main, merge main into it"),
    Rule("NEP706", "pr-nep-deleted", E,
         "a NEP file is deleted",
         "NEPs are never deleted: set `status: withdrawn` instead (possible before voting start)"),
    Rule("NEP707", "pr-nep-renumbered", E,
         "a NEP is renumbered (its `nep` number or its file name changes)",
         "keep the NEP's number; a new proposal gets a new file with the next free number (`nep new`)"),
    Rule("NEP708", "pr-vote-not-open", E,
         "a vote file for a NEP that is not in voting",
         "vote only during the NEP's voting window [voting start, voting end); `nep status` shows it"),
    Rule("NEP709", "pr-vote-not-counted", E,
         "an added vote file that would not count (the tally code is in the message)",
         "re-create the vote with `nep vote` during the voting window, with a key that has stake at voting start"),
    Rule("NEP710", "pr-unknown-file", E,
         "a file inside neps/ or votes/ outside the known layout",
         "NEPs are neps/nep-NNNN.md and votes are votes/nep-NNNN/<voter>.yaml; put other files elsewhere"),
    Rule("NEP711", "pr-outside-layout", N,
         "a change outside neps/ and votes/, for the maintainers' review",
         "maintainers: review this change by hand (stake ledger, governance, tooling, workflows)"),
    Rule("NEP712", "pr-submission-fixed", E,
         "after submission, a change of what the checks at T0 decided: the track (to or from emergency), "
         "the proposer (first author's node) or resubmission_of",
         "these were judged at submission (stake, resubmission wait, review and voting windows); withdraw "
         "and submit a new NEP instead"),
    Rule("NEP713", "pr-symlink", E,
         "a pull request adds a symbolic link (or turns a file into one), anywhere in the repository",
         "commit the file itself; links are never followed and could point the tool outside the repository"),
    Rule("NEP714", "pr-submodule", E,
         "a pull request adds or changes a submodule (gitlink) or `.gitmodules`",
         "vendor nothing through submodules; ask the maintainers to add a dependency another way"),
    Rule("NEP715", "pr-cache-path", E,
         "a pull request adds or changes a path under `.nep-cache/`",
         "caches are never evidence and never committed; remove the path from the change"),
    Rule("NEP716", "pr-gitattributes", E,
         "a pull request adds, changes or deletes a `.gitattributes` file (at any depth)",
         "attributes change how every checkout reads the files; ask the maintainers for such a change"),
    Rule("NEP717", "pr-path-encoding", E,
         "a pull request adds a path that is not valid UTF-8",
         "rename the file with a UTF-8 name (votes are votes/nep-NNNN/<voter>.yaml)"),
    Rule("NEP718", "pr-governance-frozen", E,
         "a change of governance.yaml that changes a value in force once any NEP has been submitted",
         "governance values change only through an approved NEP-GOV parameter change; revert the edit"),
    Rule("NEP719", "pr-ledger-change", N,
         "a change of the stake ledger, with the stake change per node (it counts from its commit on)",
         "maintainers: check each node's stake change; it decides who can vote in every later voting start"),
    Rule("NEP720", "pr-delegation-invalid", E,
         "a new version of a delegation file that would not be valid if merged now (the code is in the message)",
         "re-create the file with `nep delegate` (a timestamp later than the delegation in force, at most "
         "300 s ahead)"),
    Rule("NEP721", "pr-delegation-deleted", E,
         "a delegation file is deleted",
         "deleting changes nothing (the last valid version stays in force); revoke with `nep delegate --revoke`"),
]

RULES: dict[str, Rule] = {r.slug: r for r in _RULES + POLICY_RULES}
BY_CODE: dict[str, Rule] = {r.code: r for r in _RULES + POLICY_RULES}
assert len(RULES) == len(BY_CODE) == len(_RULES) + len(POLICY_RULES), "duplicate rule code or slug"


def rule(slug: str) -> Rule:
    return RULES[slug]


def markdown() -> str:
    """The rules reference, docs/rules.md."""
    lines = [
        "# Rules reference",
        "",
        "Generated by `python -m tooling.core.catalog`; do not edit by hand.",
        "Every finding names its rule by a stable code and slug. Change a rule's severity with",
        "`--level SLUG=error|warning|notice|off` (repeatable) on `nep validate` and `nep check-pr`.",
        "",
        "| code | slug | default | what it finds | what to do |",
        "|---|---|---|---|---|",
    ]
    for r in sorted(RULES.values(), key=lambda r: r.code):
        lines.append(f"| `{r.code}` | `{r.slug}` | {r.severity} | {r.summary} | {r.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
