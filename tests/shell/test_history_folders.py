"""A cached history answers for one vote folder without decoding every vote event, and answers the same."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo
from tooling.shell import gitlog
from tooling.shell.history import read_history
from tooling.shell.snapshots import FAR_FUTURE

T = 1_767_225_600  # 2026-01-01T00:00:00Z
#: Names a JSON text escapes or spells with a backslash, and one folder below a vote folder.
ODD = ['votes/nep-0002/q"uote.yaml', "votes/nep-0002/back\\slash.yaml", "votes/nep-0002/caf\u00e9.yaml",
       "votes/nep-0002/sub/deeper.yaml", "votes/nep-00021/next.yaml"]


def _repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "r")
    repo.commit("root", at=T)
    for i in range(1, 13):
        repo.write(f"votes/nep-{i:04d}/a.yaml", f"a{i}")
        repo.write(f"votes/nep-{i:04d}/b.yaml", f"b{i}")
        repo.commit(f"votes {i}", at=T + 60 * i)
    for n, path in enumerate(ODD):
        repo.write(path, f"odd {n}")
    repo.write("votes/nep-0001/a.yaml", "a1 again")
    repo.delete("votes/nep-0001/b.yaml")
    repo.commit("odd names, a change and a deletion", at=T + 3600)
    return repo


def _answers(hist, folder: str) -> list[object]:  # type: ignore[no-untyped-def]
    out: list[object] = [hist.paths(folder, FAR_FUTURE), hist.paths(folder, T + 120)]
    for path in hist.paths(folder, FAR_FUTURE):
        out += [path, hist.inclusion_time(path, FAR_FUTURE), hist.first_blob(path, FAR_FUTURE),
                hist.versions(path, FAR_FUTURE), hist.blob_at(path, T + 120), hist.events.get(path)]
    out.append(hist.events.get(folder + "never.yaml"))
    return out


def test_one_folder_read_alone_answers_what_the_whole_vote_history_answers(
    tmp_path: Path, monkeypatch
) -> None:
    repo = _repo(tmp_path)
    cache = tmp_path / "cache"
    read_history(repo.path, cache_dir=cache)  # writes the cache
    folders = ["votes/nep-0001/", "votes/nep-0002/", "votes/nep-0002/sub/", "votes/nep-0007/"] + \
        [f"votes/nep-{i:04d}/" for i in range(3, 13)]
    whole = read_history(repo.path, cache_dir=cache)
    list(whole.events)  # every vote event decoded
    expected = {f: _answers(whole, f) for f in folders}

    decoded: list[str] = []
    real = gitlog._vote_changes

    def spy(text: str, commits: int):  # type: ignore[no-untyped-def]
        decoded.append(text[:40])
        return real(text, commits)

    monkeypatch.setattr(gitlog, "_vote_changes", spy)
    alone = read_history(repo.path, cache_dir=cache)
    assert _answers(alone, "votes/nep-0002/") == expected["votes/nep-0002/"]
    assert decoded and all(t.startswith('[["votes/nep-0002/') for t in decoded)  # that folder's entries only
    assert alone.events.under("votes/nep-0002/") is not None
    # Past the first few folders the whole vote history is read at once; every answer stays the same.
    for f in folders:
        assert _answers(alone, f) == expected[f], f
    decoded.clear()
    fresh = read_history(repo.path, cache_dir=cache)
    plain = ["votes/nep-0001/"] + [f"votes/nep-{i:04d}/" for i in range(3, 13)]  # none with a folder below
    assert [_answers(fresh, f) for f in plain] == [expected[f] for f in plain]
    assert len(decoded) == gitlog._FOLDERS_ALONE
    assert fresh.events.under(plain[-1]) is None
