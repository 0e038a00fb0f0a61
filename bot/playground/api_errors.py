"""The error every fake Web API method raises: answered as `{"ok": false, "error": ...}`."""

from __future__ import annotations


class ApiError(Exception):
    """An `{"ok": false, "error": ...}` answer."""
