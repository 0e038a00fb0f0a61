"""The Claude engine: prompts, structured output, routing, fallback and a circuit breaker."""
