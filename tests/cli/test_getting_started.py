"""docs/getting-started.md runs as written: every ``sh`` block after the install, in one shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "getting-started.md"


def test_getting_started_runs_as_written(tmp_path):
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    install, rest = blocks[0], blocks[1:]
    assert "pip install" in install
    script = "set -euo pipefail\nnep --version\n" + "\n".join(rest)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "NEP_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "voting" in out and "APPROVED" in out
    assert re.search(r"Yes\s+5,000", out)


def test_user_docs_stand_alone():
    """The user's documents never send a reader to a file they do not have."""
    docs = [ROOT / "README.md", DOC, ROOT / "docs" / "reference.md", ROOT / "docs" / "authors-guide.md",
            *sorted((ROOT / "docs" / "rules").glob("*.md"))]
    for path in docs:
        text = path.read_text(encoding="utf-8")
        assert "SPEC" not in text, path.name
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (path.parent / target).exists(), f"{path.name} links to {target}"
