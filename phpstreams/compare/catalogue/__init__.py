"""Scenario catalogues: lists of scenarios, each pinning one PHP behaviour."""

from __future__ import annotations
