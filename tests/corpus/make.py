"""Writes the hostile corpus: tests/corpus/files/* and tests/corpus/MANIFEST.json.

    .venv/bin/python tests/corpus/make.py

Every file is named for what it breaks. The manifest says where each goes in
a copy of tests/corpus/base/ (plus the example's governance.yaml and ledger),
which companion files go with it, which NEP to tally, and the finding slugs
that must appear in `nep validate --format json` (an empty list: only that
nothing crashes). tests/checks/test_hostile_corpus.py runs every entry through
validate, status, tally and site build under resource limits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT)]

from tooling.core.votes import render_vote_file, sign_vote, node_id, public_key_hex, private_key_from_token  # noqa: E402

FILES = HERE / "files"
BASE_NEP = (HERE / "base/neps/nep-0001.md").read_text(encoding="utf-8")
NEP5 = (HERE / "base/neps/nep-0005.md").read_text(encoding="utf-8")
NETWORK = "neuroshard-mainnet"
HASH1 = "639deb7a2b7d035c354121d1d69e028694e9e670f679319377e962fefd0910d7"
TS = 1795867200  # 2026-11-28T12:00:00Z, inside NEP 1's voting
KEY = private_key_from_token("nep-fixtures/voter-1")
OTHER = private_key_from_token("nep-fixtures/voter-2")
VOTER = node_id(public_key_hex(KEY))
OTHER_VOTER = node_id(public_key_hex(OTHER))
N5 = "neps/nep-0005.md"

manifest: dict[str, dict] = {}


def add(name: str, content: str | bytes, place: str, codes: list[str], *, nep: int = 1,
        companions: dict[str, str] | None = None) -> None:
    """One corpus file; ``companions`` maps a place to another corpus file's name placed with it."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    (FILES / name).write_bytes(data)
    entry: dict = {"place": place, "codes": sorted(set(codes)), "nep": nep}
    if companions:
        entry["with"] = companions
    manifest[name] = entry


def nep5(old: str, new: str, count: int = 1) -> str:
    assert old in NEP5, old
    return NEP5.replace(old, new, count)


def vote_text(*, nep: int = 1, key: bytes = KEY, choice: str = "yes", timestamp: int = TS, reason: str = "ok",
              network: str = NETWORK, content_hash: str = HASH1) -> str:
    v = sign_vote(key, network=network, nep=nep, content_hash=content_hash, choice=choice, timestamp=timestamp,
                  reason=reason)
    return render_vote_file(v)


GOOD_VOTE = vote_text()
VOTE_AT = f"votes/nep-0001/{VOTER}.yaml"


def vote_field(field: str, raw_value: str) -> str:
    """The good vote with one line's value replaced by ``raw_value`` verbatim (the signature then fails too)."""
    lines = GOOD_VOTE.splitlines(keepends=True)
    out = [f"{field}: {raw_value}\n" if line.startswith(f"{field}:") else line for line in lines]
    assert out != lines, field
    return "".join(out)


def lookalikes() -> None:
    cyr_a, cyr_e, cyr_o, ukr_i = "\u0430", "\u0435", "\u043e", "\u0456"
    add("lookalike-node-cyrillic-a.md", nep5('node: "586dd510056f330e6b14b2bdada7505f"',
                                             f'node: "586dd510056f330e6b14b2bd{cyr_a}da7505f"'), N5, ["schema-value"])
    add("lookalike-node-fullwidth-digits.md", nep5('node: "586dd510056f330e6b14b2bdada7505f"',
                                                   'node: "\uff15\uff18\uff16dd510056f330e6b14b2bdada7505f"'), N5,
        ["schema-value"])
    add("lookalike-node-uppercase-hex.md", nep5('node: "586dd510056f330e6b14b2bdada7505f"',
                                                'node: "586DD510056F330E6B14B2BDADA7505F"'), N5, ["schema-value"])
    add("lookalike-title-mixed-script.md", nep5('title: "Multi-Token Prediction', f'title: "Mult{ukr_i}-T{cyr_o}ken Pred{ukr_i}ction'),
        N5, [])
    add("lookalike-title-greek-omicron.md", nep5('title: "Multi-Token', 'title: "Multi-T\u03bfken'), N5, [])
    add("lookalike-title-zero-width-space.md", nep5('title: "Multi-Token', 'title: "Multi\u200b-Token'), N5, [])
    add("lookalike-title-rlo-override.md", nep5('title: "Multi-Token', 'title: "Multi-\u202eTokenn'), N5,
        ["text-control-chars"])
    add("lookalike-title-lrm-mark.md", nep5('title: "Multi-Token', 'title: "Multi-\u200eToken'), N5,
        ["text-control-chars"])
    add("lookalike-title-isolate.md", nep5('title: "Multi-Token', 'title: "Multi-\u2066Token\u2069'), N5,
        ["text-control-chars"])
    add("lookalike-author-name-bidi.md", nep5('name: "Ada Okafor"', 'name: "Ada \u202eOkafor"'), N5,
        ["text-control-chars"])
    add("lookalike-title-combining-marks.md", nep5('title: "Multi-Token', 'title: "Mu\u0301\u0301\u0301lti-Token'),
        N5, [])
    add("lookalike-title-homoglyph-nep.md", nep5('title: "Multi-Token', f'title: "N{cyr_e}P-0001 Multi-Token'),
        N5, [])
    add("lookalike-nep-number-fullwidth.md", nep5("nep: 5", "nep: \uff15"), N5, ["schema-type"])
    add("lookalike-nep-number-arabic-indic.md", nep5("nep: 5", "nep: \u0665"), N5, ["schema-type"])
    add("lookalike-nep-number-quoted.md", nep5("nep: 5", 'nep: "5"'), N5, ["schema-type"])
    add("lookalike-type-cyrillic.md", nep5('type: "train"', f'type: "tr{cyr_a}in"'), N5, ["schema-value"])
    add("lookalike-status-cyrillic.md", nep5('status: "draft"', f'status: "dr{cyr_a}ft"'), N5, ["schema-value"])
    add("lookalike-key-cyrillic.md", nep5("title:", f"t{ukr_i}tle:"), N5, ["schema-unknown-key", "schema-required"])
    add("lookalike-requires-fullwidth.md", nep5("requires: [1]", "requires: [\uff11]"), N5, ["schema-type"])
    add("lookalike-github-handle-mixed.md", nep5('github: "ada-okafor"', f'github: "{cyr_a}da-okafor"'), N5,
        ["schema-value"])
    add("lookalike-vote-voter-cyrillic.yaml", vote_field("voter", f'"{VOTER[:-1]}{cyr_a}"'), VOTE_AT,
        ["schema-value"])
    add("lookalike-vote-choice-cyrillic.yaml", vote_field("choice", f'"y{cyr_e}s"'), VOTE_AT, ["schema-value"])
    add("lookalike-vote-network-cyrillic.yaml", vote_text(network=f"neuroshard-m{cyr_a}innet"), VOTE_AT,
        ["vote-wrong-network"])
    add("lookalike-vote-path-cyrillic-voter.yaml", GOOD_VOTE, f"votes/nep-0001/{VOTER[:-1]}{cyr_a}.yaml",
        ["vote-wrong-path"])
    add("lookalike-nep-path-fullwidth.md", NEP5, "neps/nep-\uff10\uff10\uff10\uff15.md", ["unknown-file"])
    add("lookalike-vote-folder-fullwidth.yaml", GOOD_VOTE, f"votes/nep-\uff10\uff10\uff10\uff11/{VOTER}.yaml",
        ["unknown-file"])


def huge_numbers() -> None:
    big = "9" * 10_000
    add("huge-nep-number-10000-digits.md", nep5("nep: 5", f"nep: {big}"), N5, ["yaml-unsupported"])
    add("huge-grace-days-10000-digits.md", nep5("grace_period_days: 14", f"grace_period_days: {big}"), N5,
        ["yaml-unsupported"])
    add("huge-multiplier-10000-digit-decimal.md",
        nep5("training_efficiency_multiplier: 2.0", f"training_efficiency_multiplier: 2.{'0' * 9999}1"), N5, [])
    add("huge-multiplier-1e400-overflows.md", nep5("training_efficiency_multiplier: 2.0",
                                                   "training_efficiency_multiplier: 1e400"), N5, ["yaml-unsupported"])
    add("huge-multiplier-minus-1e400.md", nep5("training_efficiency_multiplier: 2.0",
                                               "training_efficiency_multiplier: -1e400"), N5, ["yaml-unsupported"])
    add("huge-multiplier-1e-400-underflows.md", nep5("training_efficiency_multiplier: 2.0",
                                                     "training_efficiency_multiplier: 1e-400"), N5, [])
    add("huge-upgrade-cost-10000-digits.md", nep5('upgrade_cost_neuro: "0"', f'upgrade_cost_neuro: "{big}"'), N5, [])
    add("huge-upgrade-cost-10000-decimals.md", nep5('upgrade_cost_neuro: "0"',
                                                    f'upgrade_cost_neuro: "0.{"0" * 9999}1"'), N5, [])
    add("huge-upgrade-cost-exponent.md", nep5('upgrade_cost_neuro: "0"', 'upgrade_cost_neuro: "1e999999999"'), N5,
        ["schema-value"])
    add("huge-memory-change-10000-digits.md", nep5("min_memory_change_mb: 200", f"min_memory_change_mb: {big}"),
        N5, ["yaml-unsupported"])
    add("huge-requires-10000-digits.md", nep5("requires: [1]", f"requires: [{big}]"), N5, ["yaml-unsupported"])
    add("huge-requires-beyond-int64.md", nep5("requires: [1]", "requires: [18446744073709551617]"), N5,
        ["unknown-reference"])
    add("huge-vote-timestamp-10000-digits.yaml", vote_field("timestamp", big), VOTE_AT, ["yaml-unsupported"])
    add("huge-vote-nep-10000-digits.yaml", vote_field("nep", big), VOTE_AT, ["yaml-unsupported"])
    add("huge-vote-nep-beyond-int64.yaml", vote_field("nep", "18446744073709551617"), VOTE_AT, ["vote-wrong-path"])
    ledger = (ROOT / "stakes/ledger.yaml").read_text(encoding="utf-8")
    first = ledger.split('amount: "', 1)[1].split('"', 1)[0]
    add("huge-ledger-amount-10000-digits.yaml", ledger.replace(f'amount: "{first}"', f'amount: "{big}"', 1),
        "stakes/ledger.yaml", [])
    add("huge-ledger-amount-10000-decimals.yaml", ledger.replace(f'amount: "{first}"', f'amount: "0.{"0" * 9999}1"', 1),
        "stakes/ledger.yaml", [])
    add("huge-ledger-amount-exponent.yaml", ledger.replace(f'amount: "{first}"', 'amount: "1E+999999999"', 1),
        "stakes/ledger.yaml", ["schema-value"])
    add("huge-ledger-amount-as-float.yaml", ledger.replace(f'amount: "{first}"', f"amount: {big}.5", 1),
        "stakes/ledger.yaml", ["yaml-unsupported"])
    gov = (ROOT / "governance.yaml").read_text(encoding="utf-8")
    add("huge-governance-voting-hours.yaml", gov.replace("voting_hours: 168", f"voting_hours: {'9' * 40}", 1),
        "governance.yaml", [])
    add("huge-governance-review-hours-10000-digits.yaml", gov.replace("review_hours: 168", f"review_hours: {big}", 1),
        "governance.yaml", ["yaml-unsupported"])
    add("huge-governance-quorum-10000-decimals.yaml", gov.replace('quorum: "0.20"', f'quorum: "0.2{"0" * 9999}1"'),
        "governance.yaml", [])
    add("huge-governance-resubmit-wait.yaml", gov.replace("resubmit_wait_days: 30", f"resubmit_wait_days: {'9' * 30}"),
        "governance.yaml", [])
    add("huge-governance-parameter-10000-digits.yaml",
        gov.replace("network.gossip.PROOF_FANOUT: 8", f"network.gossip.PROOF_FANOUT: {big}"), "governance.yaml",
        ["yaml-unsupported"])


def timestamps() -> None:
    for name, value, codes in [
        ("at-limit-253402300799", "253402300799", ["vote-bad-signature"]),
        ("beyond-limit-253402300800", "253402300800", ["schema-value"]),
        ("negative", "-1", ["schema-value"]),
        ("zero", "0", ["vote-bad-signature"]),
        ("float", "1795867200.5", ["schema-type"]),
        ("float-exponent", "1.7958672e9", ["schema-type"]),
        ("string", '"1795867200"', ["schema-type"]),
        ("rfc3339-string", '"2026-11-28T12:00:00Z"', ["schema-type"]),
        ("hex", "0x6B0B5F00", ["vote-bad-signature"]),
        ("bool", "true", ["schema-type"]),
        ("null", "null", ["schema-type"]),
    ]:
        add(f"time-vote-timestamp-{name}.yaml", vote_field("timestamp", value), VOTE_AT, codes)
    add("time-vote-signed-at-limit.yaml", vote_text(timestamp=253402300799), VOTE_AT, ["vote-not-counted"])
    add("time-vote-signed-at-zero.yaml", vote_text(timestamp=0), VOTE_AT, ["vote-not-counted"])
    for name, value, codes in [
        ("max-9999-12-31", '"9999-12-31T23:59:59Z"', []),
        ("beyond-10000-01-01", '"10000-01-01T00:00:00Z"', ["schema-value"]),
        ("before-epoch-1969", '"1969-12-31T23:59:59Z"', []),
        ("year-zero", '"0000-01-01T00:00:00Z"', ["status-not-authored"]),
        ("unix-int", "1795867200", ["schema-type"]),
        ("float", "1795867200.5", ["schema-type"]),
        ("leap-second", '"2026-06-30T23:59:60Z"', ["status-not-authored"]),
        ("offset-plus-14", '"2026-11-20T00:00:00+14:00"', []),
        ("offset-beyond-24h", '"2026-11-20T00:00:00+25:00"', ["schema-value"]),
        ("feb-30", '"2026-02-30T00:00:00Z"', ["status-not-authored"]),
        ("fraction-1000-digits", '"2026-11-20T00:00:00.' + "9" * 1000 + 'Z"', []),
    ]:
        add(f"time-submitted-{name}.md", BASE_NEP.replace('submitted: "2026-11-20T00:00:00Z"', f"submitted: {value}"),
            "neps/nep-0001.md", codes)
    add("time-created-99999.md", nep5('created: "2026-11-25"', 'created: "99999-01-01"'), N5, ["schema-value"])
    add("time-created-feb-30.md", nep5('created: "2026-11-25"', 'created: "2026-02-30"'), N5, [])  # known gap: the date pattern takes Feb 30
    add("time-created-unquoted-date.md", nep5('created: "2026-11-25"', "created: 2026-11-25"), N5, [])
    ledger = (ROOT / "stakes/ledger.yaml").read_text(encoding="utf-8")
    since = ledger.split('since: "', 1)[1].split('"', 1)[0]
    for name, value, codes in [
        ("since-year-10000", '"10000-01-01T00:00:00Z"', ["schema-value"]),
        ("since-max", '"9999-12-31T23:59:59Z"', []),
        ("since-negative-year", '"-0001-01-01T00:00:00Z"', ["schema-value"]),
        ("since-leap-second", '"2026-06-30T23:59:60Z"', ["ledger-invalid"]),
        ("since-unix-int", "1700000000", ["schema-type"]),
    ]:
        add(f"time-ledger-{name}.yaml", ledger.replace(f'since: "{since}"', f"since: {value}", 1),
            "stakes/ledger.yaml", codes)


def vote_paths() -> None:
    """Folder NEP, file-name voter and content NEP/voter disagreeing in every combination."""
    hash5 = "0" * 64
    contents = {"nep1": vote_text(nep=1), "nep5": vote_text(nep=5, content_hash=hash5),
                "nep99": vote_text(nep=99, content_hash=hash5)}
    for folder in ("nep-0001", "nep-0005", "nep-0099"):
        for fname, who in ((VOTER, "own-voter"), (OTHER_VOTER, "other-voter")):
            for cname, text in contents.items():
                consistent = folder == f"nep-{int(cname[3:]):04d}" and who == "own-voter"
                codes = [] if consistent else ["vote-wrong-path"]
                if folder == "nep-0099":
                    codes = []  # a vote for a NEP that does not exist: only noted (no tally to judge it)
                tally = int(folder[4:])
                add(f"vote-path-folder-{folder}-file-{who}-content-{cname}.yaml", text,
                    f"votes/{folder}/{fname}.yaml", codes, nep=tally if tally != 99 else 1)
    add("vote-path-yml-extension.yaml", GOOD_VOTE, f"votes/nep-0001/{VOTER}.yml", ["unknown-file"])
    add("vote-path-uppercase-voter.yaml", GOOD_VOTE, f"votes/nep-0001/{VOTER.upper()}.yaml", ["vote-wrong-path"])
    add("vote-path-unpadded-folder.yaml", GOOD_VOTE, f"votes/nep-1/{VOTER}.yaml", ["unknown-file"])
    add("vote-path-nested-folder.yaml", GOOD_VOTE, f"votes/nep-0001/x/{VOTER}.yaml", ["unknown-file"])
    add("vote-path-at-votes-root.yaml", GOOD_VOTE, f"votes/{VOTER}.yaml", ["unknown-file"])


def cycles() -> None:
    def n(num: int, requires: str, supersedes: str = "[]") -> str:
        return nep5("nep: 5", f"nep: {num}").replace("requires: [1]", f"requires: {requires}").replace(
            "supersedes: []", f"supersedes: {supersedes}")

    add("cycle-requires-2-a.md", n(5, "[6]"), N5, ["reference-cycle"], companions={"neps/nep-0006.md": "cycle-requires-2-b.md"})
    add("cycle-requires-2-b.md", n(6, "[5]"), "neps/nep-0006.md", ["reference-cycle"],
        companions={N5: "cycle-requires-2-a.md"})
    add("cycle-requires-3-a.md", n(5, "[6]"), N5, ["reference-cycle"],
        companions={"neps/nep-0006.md": "cycle-requires-3-b.md", "neps/nep-0007.md": "cycle-requires-3-c.md"})
    add("cycle-requires-3-b.md", n(6, "[7]"), "neps/nep-0006.md", ["reference-cycle"],
        companions={N5: "cycle-requires-3-a.md", "neps/nep-0007.md": "cycle-requires-3-c.md"})
    add("cycle-requires-3-c.md", n(7, "[5]"), "neps/nep-0007.md", ["reference-cycle"],
        companions={N5: "cycle-requires-3-a.md", "neps/nep-0006.md": "cycle-requires-3-b.md"})
    add("cycle-supersedes-2-a.md", n(5, "[1]", "[6]"), N5, ["reference-cycle"],
        companions={"neps/nep-0006.md": "cycle-supersedes-2-b.md"})
    add("cycle-supersedes-2-b.md", n(6, "[1]", "[5]"), "neps/nep-0006.md", ["reference-cycle"],
        companions={N5: "cycle-supersedes-2-a.md"})
    add("cycle-mixed-requires-supersedes-a.md", n(5, "[6]"), N5, ["reference-cycle"],
        companions={"neps/nep-0006.md": "cycle-mixed-requires-supersedes-b.md"})
    add("cycle-mixed-requires-supersedes-b.md", n(6, "[1]", "[5]"), "neps/nep-0006.md", ["reference-cycle"],
        companions={N5: "cycle-mixed-requires-supersedes-a.md"})
    add("cycle-self-supersedes.md", n(5, "[1]", "[5]"), N5, ["self-reference"])
    add("cycle-requires-listed-twice.md", n(5, "[1, 1, 1]"), N5, [])
    add("cycle-supersedes-active-base.md", n(5, "[]", "[1, 1]"), N5, [])


def yaml_tags() -> None:
    tags = {
        "binary": ("!!binary aGVsbG8=", ["yaml-unsupported"]),
        "timestamp": ("!!timestamp 2026-11-25", ["yaml-unsupported"]),
        "set": ("!!set {a, b}", ["yaml-unsupported"]),
        "omap": ("!!omap [a: 1]", ["yaml-unsupported"]),
        "pairs": ("!!pairs [a: 1]", ["yaml-unsupported"]),
        "merge": ("!!merge <<", ["yaml-unsupported"]),
        "value": ("!!value =", ["yaml-unsupported"]),
        "yaml": ("!!yaml !", ["yaml-syntax"]),
        "python-object-apply": ("!!python/object/apply:os.system ['true']", ["yaml-unsupported"]),
        "python-name": ("!!python/name:os.system ''", ["yaml-unsupported"]),
        "python-tuple": ("!!python/tuple [1, 2]", ["yaml-unsupported"]),
        "local-tag": ("!custom value", ["yaml-unsupported"]),
        "verbatim-tag": ("!<tag:example.com,2026:x> value", ["yaml-unsupported"]),
        "verbatim-core-str": ("!<tag:yaml.org,2002:str> 2026-11-25", []),
        "non-specific": ("! 2026-11-25", []),
        "str-on-date": ("!!str 2026-11-25", []),
        "int-on-text": ("!!int twenty", ["yaml-unsupported"]),
        "int-underscore": ("!!int 2_026", ["yaml-unsupported"]),
        "float-on-text": ("!!float twenty", ["yaml-unsupported"]),
        "bool-on-yes": ("!!bool yes", ["yaml-unsupported"]),
        "null-on-text": ("!!null text", ["schema-type"]),
        "map-on-scalar": ("!!map 2026", ["yaml-unsupported"]),
        "seq-on-map": ("!!seq {a: 1}", ["yaml-unsupported"]),
        "str-on-seq": ("!!str [1]", ["yaml-unsupported"]),
    }
    for name, (value, codes) in tags.items():
        add(f"tag-{name}.md", nep5('created: "2026-11-25"', f"created: {value}"), N5, codes)
    add("tag-directive-custom-handle.md", "---\n%TAG !e! tag:example.com,2026:\n" + NEP5[4:].replace(
        'created: "2026-11-25"', "created: !e!date 2026-11-25"), N5, ["yaml-syntax"])
    add("tag-yaml-1-1-directive.md", "---\n%YAML 1.1\n" + NEP5[4:], N5, ["yaml-syntax"])
    add("tag-on-vote-timestamp.yaml", vote_field("timestamp", "!!timestamp 2026-11-28T12:00:00Z"), VOTE_AT,
        ["yaml-unsupported"])
    add("tag-python-object-in-vote.yaml", vote_field("reason", "!!python/object/new:os.system [id]"), VOTE_AT,
        ["yaml-unsupported"])
    add("tag-str-on-vote-nep.yaml", vote_field("nep", "!!str 1"), VOTE_AT, ["schema-type"])
    add("tag-int-on-vote-choice.yaml", vote_field("choice", "!!int 1"), VOTE_AT, ["schema-value"])


def structure() -> None:
    add("yaml-alias-as-key.md", nep5("title:", "&k title: x\n*k :"), N5, ["yaml-duplicate-key"])
    add("yaml-alias-billion-laughs.md", nep5("parameter_changes: []", "x0: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"x{i}: &a{i} [{', '.join(['*a' if i == 1 else f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        + "parameter_changes: []"), N5, ["yaml-unsupported"])
    add("yaml-flow-nesting-100000.md", nep5("requires: [1]", "requires: " + "[" * 100_000 + "]" * 100_000), N5,
        ["yaml-syntax"])
    add("yaml-block-nesting-1000.md", nep5("parameter_changes: []", "deep:\n" + "".join(
        " " * i + f"k{i}:\n" for i in range(1, 1000)) + "parameter_changes: []"), N5,
        ["yaml-syntax"])
    add("yaml-two-documents.md", nep5("parameter_changes: []", "parameter_changes: []\n---\nnep: 6"), N5, [])
    add("yaml-document-end-marker.md", nep5("parameter_changes: []", "parameter_changes: []\n..."), N5, [])
    add("yaml-tab-indentation.md", nep5("  training_reward_multiplier", "\ttraining_reward_multiplier"), N5,
        ["yaml-syntax"])
    add("yaml-lone-cr-line-ends.md", NEP5.replace("\n", "\r"), N5, ["no-front-matter"])
    add("yaml-mixed-line-ends.md", NEP5.replace("\n", "\r\n", 10), N5, [])
    add("yaml-nul-in-front-matter.md", nep5('title: "Multi', 'title: "Mul\x00ti'), N5, ["yaml-syntax"])
    add("yaml-escaped-nul-in-title.md", nep5('title: "Multi', 'title: "Mul\\0ti'), N5, ["text-control-chars"])
    add("yaml-escaped-lone-surrogate.md", nep5('title: "Multi', 'title: "Mul\\ud800ti'), N5,
        ["yaml-syntax"])
    add("yaml-escaped-surrogate-pair.md", nep5('title: "Multi', 'title: "Mul\\ud83d\\ude00ti'), N5,
        ["yaml-syntax"])
    add("yaml-bom-inside-title.md", nep5('title: "Multi', 'title: "Mul\ufeffti'), N5, [])
    add("yaml-nel-line-break-in-title.md", nep5('title: "Multi', 'title: "Mul\x85ti'), N5, [])
    add("yaml-invalid-utf8-in-body.md", NEP5.encode() + b"\n\xc3\x28\n", N5, ["not-utf8"])
    add("yaml-overlong-utf8.md", NEP5.encode().replace(b"Multi", b"Mult\xc1\xa9", 1), N5, ["not-utf8"])
    add("yaml-cesu8-surrogate.md", NEP5.encode().replace(b"Multi", b"Mult\xed\xa0\x80", 1), N5, ["not-utf8"])
    add("yaml-utf16-file.md", NEP5.encode("utf-16"), N5, ["not-utf8"])
    add("yaml-empty-file.md", b"", N5, ["no-front-matter"])
    add("yaml-only-delimiters.md", "---\n---\n", N5, ["schema-type"])
    add("yaml-front-matter-a-list.md", "---\n- 1\n- 2\n---\nbody\n", N5, ["schema-type"])
    add("yaml-front-matter-a-string.md", "---\njust text\n---\nbody\n", N5, ["schema-type"])
    add("yaml-delimiter-inside-block-scalar.md", nep5("parameter_changes: []",
                                                      "parameter_changes: []\nnote: |\n  ---\n  x"), N5,
        ["schema-unknown-key"])
    add("yaml-file-over-1mib.md", NEP5 + "x" * (1 << 20), N5, ["file-too-large"])
    add("yaml-long-title-900k.md", nep5('title: "Multi-Token Prediction for the final shard"',
                                        'title: "' + "M" * 900_000 + '"'), N5, ["schema-value"])
    add("yaml-2000-authors.md", nep5("authors:\n", "authors:\n" + ("  - name: \"X\"\n    node: \"" + "0" * 32 + "\"\n")
                                                                * 2000), N5, [])
    add("vote-reason-10001-chars.yaml", vote_text(reason="r" * 10_001), VOTE_AT, ["schema-value"])
    add("vote-reason-bidi.yaml", vote_text(reason="ok \u202e kO"), VOTE_AT, ["text-control-chars"])
    add("vote-a-list.yaml", "- nep: 1\n", VOTE_AT, ["vote-malformed"])
    add("vote-empty.yaml", "", VOTE_AT, ["vote-malformed"])
    add("vote-extra-key.yaml", GOOD_VOTE + "weight: 1000000\n", VOTE_AT, ["schema-unknown-key"])
    add("vote-duplicate-choice.yaml", GOOD_VOTE + 'choice: "no"\n', VOTE_AT, ["yaml-duplicate-key"])
    add("vote-flow-style.yaml", "{" + ", ".join(GOOD_VOTE.strip().splitlines()) + "}\n", VOTE_AT, [])
    add("vote-crlf.yaml", GOOD_VOTE.replace("\n", "\r\n"), VOTE_AT, [])
    add("vote-signature-high-s.yaml", vote_field("signature", '"30440220' + "7" * 64 + "0220" + "f" * 64 + '"'),
        VOTE_AT, ["vote-bad-signature"])
    add("vote-public-key-not-on-curve.yaml", vote_field("public_key", '"02' + "f" * 64 + '"'), VOTE_AT,
        ["vote-bad-key"])
    gov = (ROOT / "governance.yaml").read_text(encoding="utf-8")
    add("governance-a-list.yaml", "- network: x\n", "governance.yaml", ["governance-invalid"])
    add("governance-quorum-above-one.yaml", gov.replace('quorum: "0.20"', 'quorum: "1.5"'), "governance.yaml",
        ["schema-value"])
    add("governance-approval-negative.yaml", gov.replace('approval: "0.66"', 'approval: "-0.1"'), "governance.yaml",
        ["schema-value"])
    add("governance-quorum-float.yaml", gov.replace('quorum: "0.20"', "quorum: 0.2"), "governance.yaml",
        ["schema-type"])
    add("governance-voting-zero-hours.yaml", gov.replace("voting_hours: 48", "voting_hours: 0"), "governance.yaml",
        ["schema-value"])
    add("governance-empty.yaml", "", "governance.yaml", ["governance-invalid"])
    ledger = (ROOT / "stakes/ledger.yaml").read_text(encoding="utf-8")
    first = ledger.split('amount: "', 1)[1].split('"', 1)[0]
    for name, value in [("zero", '"0"'), ("negative", '"-5"'), ("nan", '"NaN"'), ("infinity", '"Infinity"'),
                        ("leading-space", '" 5"'), ("fullwidth-digit", '"\uff15"')]:
        add(f"ledger-amount-{name}.yaml", ledger.replace(f'amount: "{first}"', f"amount: {value}", 1),
            "stakes/ledger.yaml", ["schema-value"])
    add("ledger-entries-a-mapping.yaml", "entries: {a: 1}\n", "stakes/ledger.yaml", ["schema-type"])
    add("ledger-empty.yaml", "", "stakes/ledger.yaml", ["ledger-invalid"])


def delegations() -> None:
    """Delegation files (SPEC 11): each intrinsic code, and values at and past their limits."""
    from tooling.core.delegation import render_delegation_file, sign_delegation

    def signed(key: bytes = KEY, delegate: str | None = OTHER_VOTER, *, network: str = NETWORK,
               timestamp: int = TS) -> str:
        return render_delegation_file(sign_delegation(key, network=network, delegate=delegate, timestamp=timestamp))

    here = f"delegations/{VOTER}.yaml"
    add("delegation-valid.yaml", signed(), here, [])
    add("delegation-revocation.yaml", signed(delegate=None), here, [])
    add("delegation-wrong-path.yaml", signed(), f"delegations/{OTHER_VOTER}.yaml", ["delegation-wrong-path"])
    add("delegation-wrong-network.yaml", signed(network="neuroshard-testnet"), here, ["delegation-wrong-network"])
    add("delegation-self.yaml", signed(delegate=VOTER), here, ["delegation-self"])
    add("delegation-bad-key.yaml", signed().replace(public_key_hex(KEY), public_key_hex(OTHER)), here,
        ["delegation-bad-key"])
    add("delegation-bad-signature.yaml", signed().replace(f"timestamp: {TS}", f"timestamp: {TS + 1}"), here,
        ["delegation-bad-signature"])
    add("delegation-timestamp-past-9999.yaml", signed().replace(f"timestamp: {TS}", "timestamp: 253402300800"),
        here, ["schema-value"])
    add("delegation-timestamp-10000-digits.yaml", signed().replace(f"timestamp: {TS}", "timestamp: " + "9" * 10000),
        here, ["yaml-unsupported"])
    add("delegation-delegate-uppercase.yaml", signed().replace(OTHER_VOTER, OTHER_VOTER.upper()), here,
        ["schema-value"])
    add("delegation-unknown-key.yaml", signed() + "weight: 1000000\n", here, ["schema-unknown-key"])
    add("delegation-a-list.yaml", "- delegator\n- delegate\n", here, ["schema-type"])
    add("delegation-python-tag.yaml", signed().replace('delegate: "', 'delegate: !!python/object "'), here,
        ["yaml-unsupported"])
    add("delegation-anchor-bomb.yaml", "a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\n"
        "d: [*c, *c, *c, *c, *c, *c, *c, *c]\n", here, ["schema-required"])


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    for family in (lookalikes, huge_numbers, timestamps, vote_paths, cycles, yaml_tags, structure, delegations):
        family()
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                        encoding="utf-8")
    print(f"{len(manifest)} files")


if __name__ == "__main__":
    main()
