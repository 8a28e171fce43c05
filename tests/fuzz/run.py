"""Run the fuzz targets for a number of seconds; store every crashing input in tests/corpus/fuzz/.

    python tests/fuzz/run.py SECONDS [TARGET ...]

A crash is an exception escaping a target (a traceback), a broken oracle, or
an input that exceeds the resource limits: more than HANG_CPU_SECONDS of CPU
for one input (a hang) or more than the address-space limit (MemoryError).
Each is stored once per place it breaks, as ``<target>--<what broke>.bin``
with the traceback beside it in ``.txt``; tests/checks/test_hostile_corpus.py
replays every stored input, so a fixed crash stays fixed.
"""

from __future__ import annotations

import hashlib
import re
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parent)]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from fuzz.strategies import for_target  # noqa: E402
from fuzz.targets import TARGETS  # noqa: E402

OUT = HERE.parent / "corpus" / "fuzz"
HANG_CPU_SECONDS = 20
MEMORY_BYTES = 3 << 30
SLICE_EXAMPLES = 500


class Hang(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang(f"more than {HANG_CPU_SECONDS} s of CPU for one input")


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/tooling/" in f.filename] or frames
    last = ours[-1] if ours else None
    place = f"{Path(last.filename).stem}-{last.lineno}" if last else "unknown"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{type(exc).__name__}-{place}")


def store(target: str, data: bytes, exc: BaseException) -> Path | None:
    OUT.mkdir(parents=True, exist_ok=True)
    name = f"{target}--{_where(exc)}"
    path = OUT / f"{name}.bin"
    if path.exists() and len(path.read_bytes()) <= len(data):
        return None  # this place already has a (smaller) witness
    path.write_bytes(data)
    tb = "".join(traceback.format_exception(exc))
    path.with_suffix(".txt").write_text(
        f"target: {target}\ninput sha256: {hashlib.sha256(data).hexdigest()}\n\n{tb}", encoding="utf-8")
    return path


def fuzz(target: str, seconds: float, found: dict[str, int], counts: dict[str, int]) -> None:
    fn = TARGETS[target]
    deadline = time.monotonic() + seconds

    class Stop(Exception):
        pass

    @settings(max_examples=SLICE_EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(for_target(target))
    def run(data: bytes) -> None:
        if time.monotonic() > deadline:
            raise Stop
        counts[target] = counts.get(target, 0) + 1
        signal.setitimer(signal.ITIMER_VIRTUAL, HANG_CPU_SECONDS)
        try:
            fn(data)
        except (Stop, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - every escape is a finding to store
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            path = store(target, data, exc)
            if path is not None:
                found[path.name] = found.get(path.name, 0) + 1
                print(f"  {target}: {_where(exc)} -> {path.relative_to(HERE.parents[1])}", flush=True)
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)

    while time.monotonic() < deadline:
        try:
            run()
        except Stop:
            return


def main(argv: list[str]) -> int:
    if not argv or not argv[0].replace(".", "", 1).isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    seconds = float(argv[0])
    targets = argv[1:] or list(TARGETS)
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        print(f"unknown target(s) {unknown}; known: {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_BYTES, hard), hard))
    signal.signal(signal.SIGVTALRM, _on_alarm)
    found: dict[str, int] = {}
    counts: dict[str, int] = {}
    end = time.monotonic() + seconds
    # Round-robin slices so a long run spends time on every target.
    slice_s = max(5.0, min(60.0, seconds / (3 * len(targets))))
    while time.monotonic() < end:
        for t in targets:
            left = end - time.monotonic()
            if left <= 0:
                break
            fuzz(t, min(slice_s, left), found, counts)
    print("inputs run: " + ", ".join(f"{t} {counts.get(t, 0)}" for t in targets))
    print(f"new crashing inputs stored: {len(found)}" + "".join(f"\n  {n}" for n in sorted(found)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
