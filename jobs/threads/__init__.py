"""Jobs about case threads."""
