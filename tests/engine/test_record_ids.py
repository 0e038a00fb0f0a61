"""The one id parser: ASCII digits, in range, or nothing."""

from __future__ import annotations

import pytest

from engine.record_ids import MAX_RECORD_ID, parse_record_id, parse_record_id_pair, parse_record_ref


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1\n",
        "²",
        "\u0663",
        "１",
        "1e3",
        "1.0",
        "99999999999999999999",
        "7" * 5000,
    ],
)
def test_anything_but_a_positive_ascii_id_in_range_is_refused(text: str) -> None:
    assert parse_record_id(text) is None


def test_ids_up_to_a_signed_64_bit_integer_are_accepted() -> None:
    assert parse_record_id("42") == 42
    assert parse_record_id("0042") == 42
    assert parse_record_id(str(MAX_RECORD_ID)) == MAX_RECORD_ID
    assert parse_record_id(str(MAX_RECORD_ID + 1)) is None


def test_refs_carry_their_own_prefix_only() -> None:
    assert [parse_record_ref(r, "FM") for r in ("FM-12", "fm12", "#12", "12", " FM-12 ")] == [12] * 5
    assert [
        parse_record_ref(r, "FM") for r in ("RB-12", "FM-²", "FM-", "FM--1", "FM-99999999999999999999")
    ] == [None] * 5
    assert parse_record_ref("RB-0042", "RB") == 42


def test_pairs_need_two_valid_ids() -> None:
    assert parse_record_id_pair("12:34") == (12, 34)
    assert [
        parse_record_id_pair(v) for v in ("12", "12:", ":34", "12:34:5", "²:1", "1:99999999999999999999")
    ] == [None] * 6
