"""advance.yml's push loop, run for real against a local bare "origin" where main moves during the bot's run.

The step's shell script is taken from the workflow file itself and run with
bash as GitHub runs it; `nep` is a wrapper that, after the real `nep advance`,
lands another commit on origin the first N times (a PR merged while the bot
ran). The bot must drop its commits, start again from the new main, and push
exactly what an undisturbed run on the new main makes; never a rebase.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gitrepo import GitRepo
from nepfixtures import ROOT, T0, VS, genesis, nep_text
from tooling.app.advance import run

BOT = ("neuroshard-nep-bot", "nep-bot@users.noreply.github.com")
NEPS = {1: nep_text(1, status="review"), 3: nep_text(3, status="review", proposer="eve")}
TEMPLATE = ROOT / "tooling/app/templates/init/dot-github/workflows/advance.yml"


def step_script(path: Path) -> str:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    step = next(s for s in doc["jobs"]["advance"]["steps"] if s.get("id") == "advance")
    return step["run"]


def test_the_template_runs_the_same_loop_as_the_repository() -> None:
    assert step_script(TEMPLATE) == step_script(ROOT / ".github/workflows/advance.yml")


WRAPPER = """#!/bin/sh
"$NEP_PYTHON" -m tooling "$@"
rc=$?
n=$(cat "$LANDINGS")
if [ "$n" -gt 0 ]; then
  echo $((n - 1)) > "$LANDINGS"
  (
    unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
    cd "$HUMAN" || exit 9
    git pull -q --ff-only origin main
    echo "landing $n" > "notes-$n.txt"
    if [ ! -e neps/nep-0004.md ]; then cp "$NEP4" neps/nep-0004.md; fi
    git add -A
    GIT_AUTHOR_DATE="@$((T0 + 3600 + n)) +0000" GIT_COMMITTER_DATE="@$((T0 + 3600 + n)) +0000" \\
      git commit -q --no-verify -m "merged while the bot ran ($n)"
    git push -q origin HEAD:main
  ) || exit 9
fi
exit $rc
"""


class World:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        seed = genesis(tmp / "seed", NEPS)
        subprocess.run(["git", "clone", "-q", "--bare", str(seed.path), str(tmp / "origin.git")], check=True,
                       capture_output=True)
        self.origin = GitRepo(tmp / "origin.git", init=False)
        for name in ("bot", "human"):
            subprocess.run(["git", "clone", "-q", str(tmp / "origin.git"), str(tmp / name)], check=True,
                           capture_output=True)
        self.bot = GitRepo(tmp / "bot", init=False)
        (tmp / "bin").mkdir()
        (tmp / "bin" / "nep").write_text(WRAPPER)
        (tmp / "bin" / "nep").chmod(0o755)
        (tmp / "nep-0004.md").write_text(nep_text(4, status="review"))
        self.landings = tmp / "landings"

    def run_step(self, landings: int, at: int = VS) -> tuple[subprocess.CompletedProcess[str], str]:
        self.landings.write_text(str(landings))
        out = self.tmp / "github-output"
        out.write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(PATH=f"{self.tmp / 'bin'}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT), NEP_PYTHON=sys.executable,
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_NAME="Human",
                   GIT_AUTHOR_EMAIL="human@example.com", GIT_COMMITTER_NAME="Human",
                   GIT_COMMITTER_EMAIL="human@example.com", NEP_BOT_NAME=BOT[0], NEP_BOT_EMAIL=BOT[1],
                   GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(self.tmp / "summary"), AT=str(at),
                   PUSH_BACKOFF_SECONDS="0", LANDINGS=str(self.landings), HUMAN=str(self.tmp / "human"),
                   NEP4=str(self.tmp / "nep-0004.md"), T0=str(T0))
        script = self.tmp / "step.sh"
        script.write_text(step_script(ROOT / ".github/workflows/advance.yml"))
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.bot.path,
                              env=env, capture_output=True, text=True)
        return proc, out.read_text()

    def main(self) -> str:
        return self.origin.git("rev-parse", "main").strip()

    def undisturbed(self, name: str) -> str:
        """What one undisturbed `nep advance --commit --at VS` makes on origin's main as it is now."""
        subprocess.run(["git", "clone", "-q", str(self.tmp / "origin.git"), str(self.tmp / name)], check=True,
                       capture_output=True)
        clone = GitRepo(self.tmp / name, init=False)
        run(clone.path, VS, commit=True, dry_run=False, bot_name=BOT[0], bot_email=BOT[1], now=VS)
        return clone.head()


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_when_main_moves_during_the_run_the_bot_starts_again_from_the_new_main(world):
    proc, output = world.run_step(landings=1)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "main moved from" in proc.stdout and "round 1 of 3" in proc.stdout
    subjects = world.origin.git("log", "--reverse", "--format=%s", "main").splitlines()
    assert subjects == [
        "genesis",
        "merged while the bot ran (1)",
        "NEP-0001: review -> voting (voting until 2026-01-15T00:00:00Z)",
        "NEP-0003: review -> rejected (insufficient_stake, rejected at submission)",
        "NEP-0004: review (submitted 2026-01-01T01:00:01Z, voting from 2026-01-08T01:00:01Z)",
    ]
    # Byte for byte what a single run on the new main makes (same commits, same dates, same shas).
    landed = world.main()
    world.origin.git("update-ref", "refs/heads/main", "main~3")
    expected = world.undisturbed("control")
    world.origin.git("update-ref", "refs/heads/main", landed)
    assert landed == expected
    assert output.splitlines()[-1] == "status=0"

    # Running again is a no-op: nothing to commit, nothing pushed.
    proc, _ = world.run_step(landings=0)
    assert proc.returncode == 0 and "Nothing changed; nothing to push." in proc.stdout
    assert world.main() == landed


def test_the_bot_gives_up_after_three_rounds_when_main_keeps_moving(world):
    proc, _ = world.run_step(landings=5)
    assert proc.returncode == 3
    assert "main kept moving" in proc.stdout
    subjects = world.origin.git("log", "--format=%s", "main").splitlines()
    assert not any(s.startswith("NEP-") for s in subjects)  # no bot commit was pushed on a main it did not see
    assert world.bot.git("status", "--porcelain") == ""
