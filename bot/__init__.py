"""Composition roots: the Bolt app, the web process, the CLI, settings and Block Kit builders."""
