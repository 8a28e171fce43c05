"""The ``pr-*`` rules of ``nep check-pr`` (codes NEP7xx) live in ``core.catalog`` with every other rule."""

from __future__ import annotations

from tooling.core.catalog import POLICY_RULES, Rule, rule

__all__ = ["POLICY_RULES", "r"]


def r(slug: str) -> Rule:
    return rule(slug)
