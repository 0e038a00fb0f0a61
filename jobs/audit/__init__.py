"""Audit: the jobs and their helpers for this feature."""
