"""RQ job functions and the worker runtime: all slow work happens here."""
