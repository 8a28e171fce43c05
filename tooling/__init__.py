"""Reference tooling for NeuroShard Enhancement Proposals (NEPs).

The Python API the NeuroShard docs use::

    from tooling import create_proposal, NEPType, EconomicImpact, UpgradePath

Names are imported lazily so that ``import tooling`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "NEPType": "model",
    "NEPStatus": "model",
    "EconomicImpact": "model",
    "UpgradePath": "model",
    "ParameterChange": "model",
    "Author": "model",
    "Proposal": "model",
    "create_proposal": "authoring",
    "NewProposal": "authoring",
    "load": "authoring",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tooling' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"tooling.{module}"), name)
    globals()[name] = value
    return value
