"""Approval policy (levels per action and target), vote rules, and local command templates."""
