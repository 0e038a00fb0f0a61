"""Benchmarks that print figures (not pass/fail tests). See README, 'Benchmarks'."""
