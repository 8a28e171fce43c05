"""The JSON Schema of api/neps.json (published as api/neps.schema.json)."""

from __future__ import annotations

from typing import Any

from tooling.core.model import IMPACT_FIELDS, NEPStatus, NEPType, Outcome, Reason

_INSTANT = {"type": ["string", "null"], "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
_INSTANT_REQ = {"type": "string", "pattern": _INSTANT["pattern"]}
_DECIMAL = {"type": "string", "pattern": r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"}
_DECIMAL_OR_NULL = {"type": ["string", "null"], "pattern": _DECIMAL["pattern"]}
_NEP_NUMBERS = {"type": "array", "items": {"type": "integer", "minimum": 1}}
_SCALAR = {"type": ["string", "number", "integer", "boolean", "null", "array", "object"]}

#: JSON Schema (draft 2020-12) of api/neps.json; published as api/neps.schema.json.
NEPS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "neps.schema.json",
    "title": "NeuroShard NEP index (api/neps.json)",
    "type": "object",
    "required": ["generated_at", "neps"],
    "properties": {
        "generated_at": _INSTANT_REQ,
        "neps": {
            "type": "object",
            "propertyNames": {"pattern": "^[1-9][0-9]*$"},
            "additionalProperties": {"$ref": "#/$defs/nep"},
        },
    },
    "$defs": {
        "nep": {
            "type": "object",
            "required": [
                "nep", "label", "title", "type", "type_label", "status", "outcome", "reason", "track",
                "authors", "created", "discussion", "requires", "required_by", "supersedes", "superseded_by",
                "resubmission_of", "submitted", "voting_start", "voting_end", "decided_at", "activates_at",
                "activated", "deprecated_at", "deprecated_by", "withdrawn_at", "content_hash",
                "economic_impact", "impact_neutral", "impact_summary", "parameter_changes", "upgrade_path",
                "tally", "page", "api",
            ],
            "properties": {
                "nep": {"type": "integer", "minimum": 1},
                "label": {"type": "string", "pattern": "^NEP-[0-9]{4,}$"},
                "title": {"type": "string"},
                "type": {"enum": [t.value for t in NEPType] + [None]},
                "type_label": {"type": ["string", "null"]},
                "status": {"enum": [s.value for s in NEPStatus]},
                "outcome": {"enum": [o.value for o in Outcome] + [None]},
                "reason": {"enum": [r.value for r in Reason] + [None]},
                "track": {"type": "string"},
                "authors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "node", "github", "email"],
                        "properties": {
                            "name": {"type": "string"},
                            "node": {"type": "string"},
                            "github": {"type": ["string", "null"]},
                            "email": {"type": ["string", "null"]},
                        },
                    },
                },
                "created": {"type": "string"},
                "discussion": {"type": ["string", "null"]},
                "requires": _NEP_NUMBERS,
                "required_by": _NEP_NUMBERS,
                "supersedes": _NEP_NUMBERS,
                "superseded_by": _NEP_NUMBERS,
                "resubmission_of": {"type": ["integer", "null"]},
                "submitted": _INSTANT,
                "voting_start": _INSTANT,
                "voting_end": _INSTANT,
                "decided_at": _INSTANT,
                "activates_at": _INSTANT,
                "activated": _INSTANT,
                "deprecated_at": _INSTANT,
                "deprecated_by": {"type": ["integer", "null"]},
                "withdrawn_at": _INSTANT,
                "content_hash": {"type": "string"},
                "economic_impact": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": [f.name for f in IMPACT_FIELDS],
                            "properties": {
                                **{f.name: {"type": "number"} for f in IMPACT_FIELDS if f.name != "upgrade_cost_neuro"},
                                "min_memory_change_mb": {"type": "integer"},
                                "upgrade_cost_neuro": _DECIMAL,
                            },
                            "additionalProperties": False,
                        },
                    ]
                },
                "impact_neutral": {"type": ["boolean", "null"]},
                "impact_summary": {"type": ["string", "null"]},
                "parameter_changes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["module", "parameter", "old_value", "new_value", "rationale"],
                        "properties": {
                            "module": {"type": "string"},
                            "parameter": {"type": "string"},
                            "old_value": _SCALAR,
                            "new_value": _SCALAR,
                            "rationale": {"type": "string"},
                        },
                    },
                },
                "upgrade_path": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": [
                                "min_version", "target_version", "grace_period_days", "backward_compatible",
                                "requires_checkpoint_reload", "migration_steps",
                            ],
                            "properties": {
                                "min_version": {"type": "string"},
                                "target_version": {"type": "string"},
                                "grace_period_days": {"type": "integer"},
                                "backward_compatible": {"type": "boolean"},
                                "requires_checkpoint_reload": {"type": "boolean"},
                                "migration_steps": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    ]
                },
                "tally": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/tally"}]},
                "changes_summary": {"type": "string"},
                "page": {"type": "string"},
                "api": {"type": "string"},
            },
        },
        "tally": {
            "type": "object",
            "required": [
                "final", "as_of", "yes", "no", "abstain", "voted", "total_stake", "turnout", "yes_share",
                "quorum", "approval", "quorum_reached", "approval_reached", "outcome", "projected_outcome",
                "reason", "decided_at", "votes_counted", "votes_rejected", "votes_pending",
            ],
            "properties": {
                "final": {"type": "boolean"},
                "as_of": _INSTANT_REQ,
                "yes": _DECIMAL,
                "no": _DECIMAL,
                "abstain": _DECIMAL,
                "voted": _DECIMAL,
                "total_stake": _DECIMAL,
                "turnout": _DECIMAL_OR_NULL,
                "yes_share": _DECIMAL_OR_NULL,
                "quorum": _DECIMAL,
                "approval": _DECIMAL,
                "quorum_reached": {"type": "boolean"},
                "approval_reached": {"type": "boolean"},
                "outcome": {"enum": [o.value for o in Outcome] + [None]},
                "projected_outcome": {"enum": [o.value for o in Outcome]},
                "reason": {"enum": [r.value for r in Reason] + [None]},
                "decided_at": _INSTANT,
                "votes_counted": {"type": "integer", "minimum": 0},
                "votes_rejected": {"type": "integer", "minimum": 0},
                "votes_pending": {"type": "integer", "minimum": 0},
            },
        },
    },
}
