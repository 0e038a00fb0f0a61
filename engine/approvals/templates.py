"""Local command templates: a fixed argv with typed `{param}` placeholders, never a shell string."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.errors import InvalidInputError

# `{name}` is a placeholder; `{{` and `}}` are literal braces. Anything else with a brace is a mistake.
_TOKEN_PART = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Strings without their own pattern get this one: no whitespace, no shell or option syntax
# (a leading "-" would let a value turn into a flag of the program).
DEFAULT_STRING_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.:@/+=-]{0,127}"
MAX_VALUE_LENGTH = 256


class TemplateParameterError(InvalidInputError):
    """A parameter is missing, unexpected, or does not fit its declared type."""


class ParamSpec(BaseModel):
    """The type of one template parameter."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["string", "int", "enum"] = "string"
    pattern: str | None = None
    choices: list[str] | None = None
    min: int | None = None
    max: int | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"invalid regex {value!r}: {error}") from None
        return value

    @model_validator(mode="after")
    def _fits_type(self) -> ParamSpec:
        if self.type == "enum" and not self.choices:
            raise ValueError("an enum parameter needs a non-empty `choices` list")
        if self.type != "enum" and self.choices is not None:
            raise ValueError("`choices` only applies to enum parameters")
        if self.type != "int" and (self.min is not None or self.max is not None):
            raise ValueError("`min`/`max` only apply to int parameters")
        if self.type != "string" and self.pattern is not None:
            raise ValueError("`pattern` only applies to string parameters")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("`min` is greater than `max`")
        return self

    def check(self, name: str, value: str) -> str:
        """Return `value` when it fits this type; raise TemplateParameterError saying why not."""
        if len(value) > MAX_VALUE_LENGTH:
            raise TemplateParameterError(f"parameter {name} is longer than {MAX_VALUE_LENGTH} characters")
        if self.type == "enum":
            if value not in (self.choices or []):
                raise TemplateParameterError(
                    f"parameter {name} must be one of {', '.join(self.choices or [])} (got {value!r})"
                )
        elif self.type == "int":
            if not re.fullmatch(r"-?[0-9]{1,18}", value):
                raise TemplateParameterError(f"parameter {name} must be a whole number (got {value!r})")
            number = int(value)
            if self.min is not None and number < self.min:
                raise TemplateParameterError(f"parameter {name} must be at least {self.min} (got {number})")
            if self.max is not None and number > self.max:
                raise TemplateParameterError(f"parameter {name} must be at most {self.max} (got {number})")
            return str(number)
        elif not re.fullmatch(self.pattern or DEFAULT_STRING_PATTERN, value):
            raise TemplateParameterError(
                f"parameter {name} has characters this command does not accept (got {value!r})"
            )
        return value


def placeholders(token: str) -> list[str]:
    """The parameter names a token refers to; ValueError when it has a stray brace."""
    stripped = _TOKEN_PART.sub("", token)
    if "{" in stripped or "}" in stripped:
        raise ValueError(f"{token!r} has a brace that is not a {{name}} placeholder (write {{{{ or }}}})")
    return [m.group(1) for m in _TOKEN_PART.finditer(token) if m.group(1)]


class CommandTemplate(BaseModel):
    """One allow-listed local command; `rollback`/`verify` name other templates."""

    model_config = ConfigDict(extra="forbid")

    argv: list[str] = Field(min_length=1)
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    timeout_seconds: int = Field(default=60, ge=1, le=3600)
    rollback: str | None = None
    verify: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _placeholders_are_declared(self) -> CommandTemplate:
        used: set[str] = set()
        for index, token in enumerate(self.argv):
            try:
                names = placeholders(token)
            except ValueError as error:
                raise ValueError(f"argv[{index}]: {error}") from None
            if names and index == 0:
                raise ValueError("argv[0]: the program must be fixed, not a placeholder")
            for name in names:
                if name not in self.params:
                    raise ValueError(f"argv[{index}]: placeholder {{{name}}} is not declared in params")
            used.update(names)
        unused = sorted(set(self.params) - used)
        if unused:
            raise ValueError(f"params: {', '.join(unused)} declared but not used in argv")
        return self

    def build_argv(self, parameters: dict[str, str]) -> list[str]:
        """Check every parameter by its type, then fill the placeholders inside argv tokens."""
        missing = sorted(set(self.params) - set(parameters))
        if missing:
            raise TemplateParameterError(f"missing parameter {', '.join(missing)}{self._expects()}")
        extra = sorted(set(parameters) - set(self.params))
        if extra:
            raise TemplateParameterError(f"unexpected parameter {', '.join(extra)}{self._expects()}")
        values = {name: spec.check(name, parameters[name]) for name, spec in self.params.items()}

        def fill(match: re.Match[str]) -> str:
            if match.group(1):
                return values[match.group(1)]
            return match.group(0)[0]  # "{{" → "{", "}}" → "}"

        return [_TOKEN_PART.sub(fill, token) for token in self.argv]

    def _expects(self) -> str:
        names = ", ".join(sorted(self.params))
        return f" (this command takes: {names})" if names else " (this command takes no parameters)"
