"""The ``pr-*`` rules of ``nep check-pr`` (codes NEP7xx): the change policy's refusals and notices."""

from __future__ import annotations

from tooling.core import catalog
from tooling.core.catalog import Rule
from tooling.core.model import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

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
]
catalog.register(POLICY_RULES)


def r(slug: str) -> Rule:
    return catalog.rule(slug)
