"""Reference tooling for NeuroShard Enhancement Proposals (NEPs).

The Python API the NeuroShard docs use::

    from tooling import create_proposal, NEPType, EconomicImpact, UpgradePath

Names are imported lazily so that ``import tooling`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "NEPType": "core.model",
    "NEPStatus": "core.model",
    "EconomicImpact": "core.model",
    "UpgradePath": "core.model",
    "ParameterChange": "core.model",
    "Author": "core.model",
    "Proposal": "core.model",
    "create_proposal": "app.authoring",
    "NewProposal": "app.authoring",
    "load": "app.authoring",
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
