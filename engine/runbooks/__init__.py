"""Runbooks: the typed model, markdown in and out, and drafting from resolved cases."""
