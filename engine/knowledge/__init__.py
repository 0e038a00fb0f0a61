"""The offline knowledge base: failure patterns stored as data files."""
