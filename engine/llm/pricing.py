"""What a call costs: list prices per million tokens, by model family."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float

    @property
    def cache_write_per_mtok(self) -> float:
        """Writing the 5-minute prompt cache costs 1.25× input."""
        return self.input_per_mtok * 1.25

    @property
    def cache_read_per_mtok(self) -> float:
        """Reading the prompt cache costs 0.1× input."""
        return self.input_per_mtok * 0.1


# Matched by substring of the model id, first hit wins; unknown models cost 0 (and say so in logs).
PRICES: list[tuple[str, Price]] = [
    ("opus-4-5", Price(5.0, 25.0)),
    ("opus-4-6", Price(5.0, 25.0)),
    ("opus", Price(15.0, 75.0)),
    ("sonnet", Price(3.0, 15.0)),
    ("haiku-4", Price(1.0, 5.0)),
    ("haiku", Price(0.8, 4.0)),
]


def price_for(model: str) -> Price | None:
    """The list price of a model, or None when we do not know it."""
    for fragment, price in PRICES:
        if fragment in model:
            return price
    return None


def cost_usd(
    model: str, input_tokens: int, output_tokens: int, cache_read: int = 0, cache_write: int = 0
) -> float:
    """Dollar cost of one call; `input_tokens` excludes cached tokens, as the API reports it."""
    price = price_for(model)
    if price is None:
        return 0.0
    total = (
        input_tokens * price.input_per_mtok
        + output_tokens * price.output_per_mtok
        + cache_read * price.cache_read_per_mtok
        + cache_write * price.cache_write_per_mtok
    )
    return round(total / 1_000_000, 6)
