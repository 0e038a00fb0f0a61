"""Diagnosis surfaces beyond the thread message: its Details modal."""
