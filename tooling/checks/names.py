"""Vote files whose name is not UTF-8: they can never be a vote path, so they are said aloud, not skipped.

``nep validate`` reports every unknown file as an error; commands that only
read the repository (``nep site build``) report these names as warnings on
stderr and go on, so a reader's site is still built.
"""

from __future__ import annotations

import re
from dataclasses import replace

from tooling.core.catalog import rule
from tooling.core.diagnostics import Diagnostic
from tooling.core.model import Severity
from tooling.shell.evaluate import World

#: What ``surrogateescape`` turns an undecodable byte into.
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")


def non_utf8_vote_files(world: World) -> list[Diagnostic]:
    """A warning for each file below votes/, in the work tree or ever committed, whose name is not UTF-8."""
    # The work tree's listing already reported each such name (unknown-file); history says which it ever held.
    listed = {d.file for d in world.repo.diagnostics if d.slug == "unknown-file" and d.file.startswith("votes/")}
    names = listed | set(world.history.undecodable_vote_paths())
    return [
        replace(rule("unknown-file").at(
            name, (1, 1), "the file name is not UTF-8, so it is no vote file: it is neither counted nor shown",
            "rename it votes/nep-NNNN/<voter>.yaml (UTF-8, as `nep vote` writes it)"), severity=Severity.WARNING)
        for name in sorted(names) if _UNDECODABLE.search(name)
    ]
