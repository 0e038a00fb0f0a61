"""Executors that carry out approved actions: a signed webhook and an allow-list of local commands."""
