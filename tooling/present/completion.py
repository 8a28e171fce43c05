"""Shell completion scripts for ``nep`` (bash, zsh, fish), generated from the argument parser."""

from __future__ import annotations

import argparse
from typing import Mapping, Sequence

SHELLS = ("bash", "zsh", "fish")


def _subparsers(p: argparse.ArgumentParser) -> Mapping[str, argparse.ArgumentParser]:
    for action in p._actions:  # argparse exposes subcommands only through this attribute
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(p: argparse.ArgumentParser) -> list[str]:
    return sorted(o for a in p._actions for o in a.option_strings if o.startswith("--"))


def commands(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """``"cmd"`` or ``"cmd sub"`` -> its words (subcommands, then long options); ``""`` is the top level."""
    out: dict[str, list[str]] = {"": [*_subparsers(parser), *_options(parser)]}
    for name, sp in _subparsers(parser).items():
        subs = _subparsers(sp)
        out[name] = [*subs, *_options(sp)]
        for sub_name, ssp in subs.items():
            out[f"{name} {sub_name}"] = _options(ssp)
    return out


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell``."""
    table = commands(parser)
    if shell == "fish":
        return _fish(table)
    body = _bash(table)
    if shell == "zsh":
        return "#compdef nep\nautoload -U +X bashcompinit && bashcompinit\n" + body
    return body


def _bash(table: Mapping[str, Sequence[str]]) -> str:
    cases = "\n".join(f'        "{key}") words="{" ".join(words)}" ;;' for key, words in sorted(table.items()))
    return f"""# nep completion for bash; load with: eval "$(nep completion bash)"
_nep_complete() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" key="" w i
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        [[ "$w" == -* ]] && continue
        case "$key" in "") key="$w" ;; *" "*) ;; *) key="$key $w" ;; esac
    done
    local words=""
    case "$key" in
{cases}
        *) words="" ;;
    esac
    if [[ -z "$words" && -n "$key" && "$key" == *" "* ]]; then words=""; fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -o default -F _nep_complete nep
"""


def _fish(table: Mapping[str, Sequence[str]]) -> str:
    lines = ["# nep completion for fish; load with: nep completion fish | source", "complete -c nep -f"]
    top = [w for w in table[""] if not w.startswith("-")]
    lines.append(f"complete -c nep -n '__fish_use_subcommand' -a '{' '.join(top)}'")
    for key, words in sorted(table.items()):
        if not key:
            continue
        parts = key.split()
        cond = " && ".join(f"__fish_seen_subcommand_from {p}" for p in parts)
        subs = [w for w in words if not w.startswith("-")]
        if subs:
            lines.append(f"complete -c nep -n '{cond}' -a '{' '.join(subs)}'")
        for w in words:
            if w.startswith("--"):
                lines.append(f"complete -c nep -n '{cond}' -l {w[2:]}")
    return "\n".join(lines) + "\n"
