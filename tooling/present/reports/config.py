"""``nep config``: the protocol version, features, parameters and governance in force."""

from __future__ import annotations

from typing import Any, Mapping

from tooling.core.model import ProtocolState
from tooling.present.format import format_instant, instant_text, jsonable
from tooling.present.reports.common import clean, columns, enum_value, label, paint, value_text


def config_json(protocol: ProtocolState, governance_effective: Any | None = None) -> dict:
    """``nep config --format json``: version, features and parameters in force (``set_by`` null = genesis)."""
    return {
        "as_of": format_instant(protocol.as_of),
        "protocol_version": protocol.version,
        "features": list(protocol.features),
        "parameters": {
            key: {"value": jsonable(protocol.parameters[key]), "set_by": protocol.set_by.get(key)}
            for key in sorted(protocol.parameters)
        },
        "versions": [
            {"at": format_instant(at), "version": version, "nep": nep} for at, version, nep in protocol.versions
        ],
        "governance": jsonable(governance_effective) if governance_effective is not None else None,
    }


def _governance_lines(g: Mapping[str, Any]) -> list[str]:
    rows = []
    for key in sorted(g):
        value = g[key]
        if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
            for sub in sorted(value):
                inner = ", ".join(f"{k} {v}" for k, v in value[sub].items())
                rows.append([f"{key}.{sub}", inner])
        elif isinstance(value, Mapping):
            rows.append([key, ", ".join(f"{k} {v}" for k, v in value.items())])
        else:
            rows.append([key, str(value)])
    return columns(rows)


def config_text(protocol: ProtocolState, governance_effective: Any | None = None, *, color: bool = False) -> str:
    """``nep config``: what is in force at ``protocol.as_of``."""
    data = config_json(protocol, governance_effective)
    lines = [paint(f"Protocol in force at {instant_text(protocol.as_of)}", "bold", color)]
    since = ""
    if protocol.versions:
        at, _, nep = protocol.versions[-1]
        since = f" (since {instant_text(at)}" + (f", {label(nep)})" if nep is not None else ")")
    else:
        since = " (genesis)"
    lines.append(f"  version   {clean(protocol.version)}{since}")
    lines.append(f"  features  {', '.join(clean(f) for f in protocol.features) or 'none'}")
    lines += ["", paint("Parameters", "bold", color)]
    if not data["parameters"]:
        lines.append("  none")
    else:
        rows = [["PARAMETER", "VALUE", "SET BY"]]
        for key, item in data["parameters"].items():
            by = label(item["set_by"]) if item["set_by"] is not None else "genesis"
            rows.append([clean(key), value_text(protocol.parameters[key]), by])
        lines += columns(rows)
    if data["governance"] is not None:
        lines += ["", paint("Governance", "bold", color)]
        g = data["governance"]
        lines += _governance_lines(g) if isinstance(g, Mapping) else [f"  {g}"]
    lines += ["", paint("Version history", "bold", color)]
    if not protocol.versions:
        lines.append("  no upgrade yet")
    for at, version, nep in protocol.versions:
        by = label(nep) if nep is not None else "genesis"
        lines.append(f"  {instant_text(at)}  {clean(version)}  {by}")
    return "\n".join(lines) + "\n"
