"""Slack surfaces: acknowledge, parse, record, enqueue. Nothing slow lives here."""
