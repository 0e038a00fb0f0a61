"""Thread-message triage: which replies in a case thread need an updated diagnosis."""
