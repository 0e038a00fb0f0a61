"""Pure Block Kit builders: models in, typed blocks out, no I/O."""
