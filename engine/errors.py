"""The errors FaultMaven raises on purpose; SDK errors are translated into these at the boundary."""


class FaultMavenError(Exception):
    """Base for every error we raise knowingly; its message is safe to show a user."""


class ConfigurationError(FaultMavenError):
    """A setting is missing, a placeholder, or malformed."""


class InvalidInputError(FaultMavenError):
    """A user sent something we cannot act on; the message says how to fix it."""


class CaseNotFoundError(FaultMavenError):
    """A case id that does not exist was referenced."""


class EngineUnavailableError(FaultMavenError):
    """A diagnosis engine could not answer (API down, malformed output after retry)."""


class StorageUnavailableError(FaultMavenError):
    """The database did not accept a write we must not lose."""
