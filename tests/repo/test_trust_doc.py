"""docs/trust-model.md tells readers how to re-verify every tally; its script must work.

The script is taken from the document itself and run in a synthetic
repository whose decided NEPs the bot has resolved.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tooling.bench.runner import build_repository
from tooling.cli import main
from tooling.core.instants import format_instant

ROOT = Path(__file__).resolve().parents[2]


def doc_script() -> str:
    text = (ROOT / "docs" / "trust-model.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    (script,) = [b for b in blocks if "verify.py" in b]
    return script


def test_the_reverify_script_of_the_trust_model_reproduces_every_resolution(tmp_path, capsys):
    syn = build_repository(tmp_path / "repo", neps=12, votes=200, commits=60, nodes=30)
    at = format_instant(syn.as_of)
    assert main(["advance", "--repo", str(syn.root), "--at", at]) == 0
    out = capsys.readouterr().out
    assert "resolution" in out  # some NEPs were decided, so there is something to verify
    (tmp_path / "verify.py").write_text(doc_script(), encoding="utf-8")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run([sys.executable, str(tmp_path / "verify.py")], cwd=syn.root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("all resolutions reproduced"), proc.stdout

    # And it notices a resolution that was tampered with.
    victim = next(p for p in sorted((syn.root / "neps").glob("nep-*.md")) if "resolution:" in p.read_text())
    text = victim.read_text(encoding="utf-8")
    victim.write_text(re.sub(r'(\n  yes: ")[0-9.]+"', r'\g<1>123456789"', text, count=1), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(tmp_path / "verify.py")], cwd=syn.root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert "mismatches" in proc.stdout and "yes" in proc.stdout, proc.stdout + proc.stderr


def test_every_test_named_in_the_attack_table_exists():
    text = (ROOT / "docs" / "trust-model.md").read_text(encoding="utf-8")
    table = text.split("## 6. Attacks and what holds them", 1)[1]
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", table)
    assert len(named) >= 20
    missing = [f"{f}::{name}" for f, name in named
               if not (ROOT / f).is_file() or f"def {name}(" not in (ROOT / f).read_text(encoding="utf-8")]
    assert missing == []
