"""``nep check-pr``: the change policy between two revisions (SPEC 4, 7, 9).

The base revision stands for the main branch: every NEP's state (T0, voting
start, status) is computed from the base's files and its first-parent
history at ``as_of``. The head's files are then judged against it, as if they
were the work tree of main before the merge: the pull request's own commits
never count as history. ``check_pr`` returns the refusals (``pr-*`` rules,
codes NEP7xx), everything ``nep validate`` reports for the changed files,
and a Markdown summary for ``$GITHUB_STEP_SUMMARY``.

Both revisions are read from git objects (history.py), never from the work
tree and never through temporary files, and files that are the same in both
are parsed once. Each check is a small function that returns its findings
(``context.Findings``); ``check.check_pr`` adds them up.

Decisions where the spec is silent (for docs/decisions.md; the refusals are in docs/bot-guide.md, section 4):

- Status changes an author may make: a new file starts as ``draft`` or
  ``review``; ``draft -> review`` while the NEP was never submitted;
  ``draft``/``review`` -> ``withdrawn`` before voting start. ``review -> draft``
  is allowed only while the NEP was never submitted on the base (T0 unknown);
  once T0 is recorded it would not undo the submission, so it is refused
  (withdraw instead). Withdrawn is final.
- The content of a withdrawn or decided NEP is frozen too (it is the record
  that votes, resubmissions and supersessions refer to).
- An added vote is judged as if it were included at ``as_of``, with the
  base's stake snapshot at voting start and the content hash the tally
  binds votes to (main's file as of voting start). Intrinsic codes
  (MALFORMED ... BAD_SIGNATURE) and tally codes alike are refused with
  ``pr-vote-not-counted``; ``validate``'s own vote findings for that file
  are replaced by it, not repeated.
- Re-adding a vote file that main's history already included is a change of
  that vote (the first included content counts forever), not an addition.
- Deleting a stray file inside ``neps/`` or ``votes/`` is allowed; adding or
  changing one is refused. ``neps/README.md`` and ``.gitkeep`` files are fine.
- A deleted NEP whose body (or title) reappears in an added NEP file is
  reported once, as a renumbering, on the added file.
- The comparison is between the two trees (``base..head``). A branch that is
  behind main therefore seems to undo main's later changes (bot fields,
  votes); the hints say to merge main into the branch. In CI, the required
  check passes GitHub's merge commit as ``--head`` and its first parent as
  ``--base``, fetched as git objects and judged by main's own tool.
"""

from tooling.checks.policy.check import PolicyResult, check_pr
from tooling.checks.policy.rules import POLICY_RULES

__all__ = ["POLICY_RULES", "PolicyResult", "check_pr"]
