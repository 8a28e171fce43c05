"""The verified-signature cache: verdicts reused across runs, never trusted when damaged or committed."""

from __future__ import annotations

import dataclasses

import pytest

from tooling.shell import sigcache
from tooling.core import votes
from tooling.shell.sigcache import SignatureCache, file_name, signature_key

from helpers import git

FILE_NAME = file_name()

NETWORK = "neuroshard-mainnet"
HASH = "ab" * 32


def _vote(token: str = "voter-1", *, reason: str = "ok", timestamp: int = 1_767_900_000):
    priv = votes.private_key_from_token(token)
    return votes.sign_vote(priv, network=NETWORK, nep=1, content_hash=HASH, choice="yes",
                           timestamp=timestamp, reason=reason)


@pytest.fixture
def counted(monkeypatch):
    """Counts calls to the underlying verification while keeping its verdicts."""
    calls: list[str] = []
    real = votes.verify_vote

    def spy(vote, *, key_cache=None):
        calls.append(vote.path)
        return real(vote, key_cache=key_cache)

    monkeypatch.setattr(votes, "verify_vote", spy)
    # The cache verifies the digest of the payload it built for the key (one payload per vote).
    real_digest = sigcache.verify_digest

    def spy_digest(public_key, signature, digest, *, key_cache=None):
        calls.append(str(public_key))
        return real_digest(public_key, signature, digest, key_cache=key_cache)

    monkeypatch.setattr(sigcache, "verify_digest", spy_digest)
    return calls


def test_a_cached_valid_verdict_is_reused_without_verifying_again(tmp_path, counted):
    vote = _vote()
    cache = SignatureCache.load(tmp_path)
    assert cache.checker()(vote) is True
    assert len(counted) == 1
    cache.save()

    warm = SignatureCache.load(tmp_path)
    assert len(warm) == 1
    assert warm.checker()(vote) is True
    assert len(counted) == 1  # no second verification
    assert (warm.hits, warm.misses) == (1, 0)


def test_a_cached_invalid_verdict_is_reused_too(tmp_path, counted):
    bad = dataclasses.replace(_vote(), reason="changed after signing")
    cache = SignatureCache.load(tmp_path)
    assert cache.checker()(bad) is False
    cache.save()

    warm = SignatureCache.load(tmp_path)
    assert warm.checker()(bad) is False
    assert len(counted) == 1


def test_the_same_vote_twice_in_one_run_is_verified_once(tmp_path, counted):
    vote = _vote()
    check = SignatureCache.load(tmp_path).checker()
    assert check(vote) and check(vote)
    assert len(counted) == 1


def test_a_changed_signature_is_verified_again(tmp_path, counted):
    vote = _vote()
    cache = SignatureCache.load(tmp_path)
    assert cache.checker()(vote) is True
    cache.save()

    # Same payload and key, another (here: invalid) signature: a different cache key.
    forged = dataclasses.replace(vote, signature=_vote(reason="other").signature)
    assert signature_key(forged) != signature_key(vote)
    warm = SignatureCache.load(tmp_path)
    assert warm.checker()(forged) is False
    assert len(counted) == 2


def test_a_changed_public_key_or_payload_field_is_a_different_key():
    vote = _vote()
    other_key = dataclasses.replace(vote, public_key=_vote("voter-2").public_key)
    other_time = dataclasses.replace(vote, timestamp=vote.timestamp + 1)
    keys = {signature_key(v) for v in (vote, other_key, other_time)}
    assert len(keys) == 3


def test_fields_are_length_prefixed_so_bytes_cannot_shift_between_key_and_signature():
    vote = _vote()
    shifted = dataclasses.replace(vote, public_key=vote.public_key + vote.signature[:2],
                                  signature=vote.signature[2:])
    assert signature_key(shifted) != signature_key(vote)


def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path, counted):
    vote = _vote()
    cache = SignatureCache.load(tmp_path)
    cache.checker()(vote)
    cache.save()
    file = tmp_path / FILE_NAME
    data = bytearray(file.read_bytes())
    data[20] ^= 0xFF  # one flipped bit in a record: the checksum no longer matches
    file.write_bytes(bytes(data))

    damaged = SignatureCache.load(tmp_path)
    assert len(damaged) == 0
    assert damaged.checker()(vote) is True
    assert len(counted) == 2  # verified again, not read from the damaged file
    damaged.save()
    assert len(SignatureCache.load(tmp_path)) == 1


@pytest.mark.parametrize("content", [b"", b"garbage", b"NEPSIGS\x01" + b"\x00" * 7, b"\x00" * 100])
def test_garbage_and_truncated_files_mean_an_empty_cache(tmp_path, content):
    (tmp_path / FILE_NAME).write_bytes(content)
    assert len(SignatureCache.load(tmp_path)) == 0


def test_a_truncated_file_is_ignored(tmp_path):
    cache = SignatureCache.load(tmp_path)
    cache.checker()(_vote())
    cache.save()
    file = tmp_path / FILE_NAME
    file.write_bytes(file.read_bytes()[:-1])
    assert len(SignatureCache.load(tmp_path)) == 0


def test_a_missing_cache_folder_is_created(tmp_path):
    d = tmp_path / "cache"
    cache = SignatureCache.load(d)
    cache.checker()(_vote())
    cache.save()
    assert (d / FILE_NAME).is_file()


def test_nothing_is_written_when_nothing_was_verified(tmp_path):
    SignatureCache.load(tmp_path).save()
    assert not (tmp_path / FILE_NAME).exists()


def test_a_cache_reached_through_a_symbolic_link_is_not_read(tmp_path):
    real = tmp_path / "elsewhere"
    cache = SignatureCache.load(real)
    cache.checker()(_vote())
    cache.save()
    link = tmp_path / ".nep-cache"
    link.symlink_to(real)
    assert len(SignatureCache.load(link)) == 0


def test_a_cache_file_committed_to_the_repository_is_never_trusted(tmp_path, counted):
    # A pull request could commit a cache that calls a forged vote valid.
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    forged = dataclasses.replace(_vote(), reason="forged")
    planted = SignatureCache(repo / ".nep-cache", {signature_key(forged): True})
    planted._dirty = True
    planted.save()
    git(repo, "add", "-f", ".nep-cache/" + FILE_NAME)
    git(repo, "commit", "-q", "-m", "plant")

    cache = SignatureCache.load(repo / ".nep-cache")
    assert len(cache) == 0
    assert cache.checker()(forged) is False
    assert len(counted) == 1


def test_an_untracked_cache_in_a_git_work_tree_is_used(tmp_path, counted):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    vote = _vote()
    cache = SignatureCache.load(repo / ".nep-cache")
    cache.checker()(vote)
    cache.save()
    assert len(SignatureCache.load(repo / ".nep-cache")) == 1


def test_a_vote_whose_fields_cannot_form_a_payload_is_judged_invalid_without_error(tmp_path):
    odd = dataclasses.replace(_vote(), nep={"not": "a number"}, timestamp=object())
    assert SignatureCache.load(tmp_path).checker()(odd) is False


def test_over_the_entry_limit_only_the_entries_of_this_run_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(sigcache, "MAX_ENTRIES", 2)
    stale = {bytes([i]) * 32: True for i in range(3)}
    cache = SignatureCache(tmp_path, stale)
    cache.checker()(_vote())
    cache.save()
    kept = SignatureCache.load(tmp_path)
    assert len(kept) == 1


def test_priming_on_several_threads_gives_every_vote_the_verdict_of_verify_vote(tmp_path, monkeypatch):
    good = [_vote(f"voter-{i}") for i in range(6)]
    bad = [dataclasses.replace(v, reason="changed after signing") for v in good[:3]]
    monkeypatch.setattr(sigcache, "PARALLEL_FROM", 1)
    cache = SignatureCache.load(tmp_path)
    cache.prime([*good, *bad], workers=3)
    assert cache.known == {v: votes.verify_vote(v) for v in [*good, *bad]}
    cache.save()
    warm = SignatureCache.load(tmp_path)
    assert all(warm.checker()(v) == votes.verify_vote(v) for v in [*good, *bad])
    assert warm.misses == 0
