"""Learning from resolved cases: outcomes, pattern figures, memory of past cases, proven fixes."""
