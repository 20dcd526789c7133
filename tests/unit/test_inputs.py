"""The domain's input value types: each hostile value of issue 11 is refused, naming its rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import (
    DATE_MAX,
    DATE_MIN,
    PERSON_FIELDS,
    check_business_date,
    check_count,
    check_currency,
    check_hours,
    check_instant,
    check_person_details,
    check_prose,
    check_same_currency,
    check_text,
)
from coprod.domain.values import Money, require_text


def refused(rule: str) -> pytest.RaisesContext[InvalidInput]:
    return pytest.raises(InvalidInput, check=lambda e: e.rule == rule)  # type: ignore[call-overload,no-any-return]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("a\x00b", "text-nul"),
        ("x\ud800y", "text-surrogate"),
        ("\udfff", "text-surrogate"),
        ("tab\there", "text-control"),
        ("line\nbreak", "text-control"),
        ("bell\x07", "text-control"),
        ("del\x7f", "text-control"),
        ("c1\x85", "text-control"),
        ("   ", "text-empty"),
        ("", "text-empty"),
        ("x" * 201, "text-length"),
        (5, "text-type"),
        (None, "text-type"),
    ],
)
def test_text_refuses_what_no_store_or_reader_can_hold(value: object, rule: str) -> None:
    with refused(rule) as caught:
        check_text("title", value)
    assert caught.value.field == "title"
    assert "\ud800" not in str(caught.value)


def test_text_is_nfc_and_stripped() -> None:
    decomposed = "Cafe\u0301 "
    assert check_text("title", decomposed) == "Caf\u00e9"
    assert check_text("title", "x" * 200) == "x" * 200


def test_prose_allows_tab_and_newline_only() -> None:
    assert check_prose("description", "one\r\ntwo\tthree") == "one\ntwo\tthree"
    with refused("text-nul"):
        check_prose("description", "one\x00two")
    with refused("text-control"):
        check_prose("description", "one\rtwo")
    with refused("text-length"):
        check_prose("description", "x" * 10_001)


def test_require_text_keeps_short_fields_on_one_line() -> None:
    assert require_text("reason", "a\nb", max_length=2_000) == "a\nb"
    with refused("text-control"):
        require_text("title", "a\nb", max_length=200)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (True, "int-type"),
        (False, "int-type"),
        (1.0, "int-type"),
        ("3", "int-type"),
        (-1, "int-range"),
        (10_000_000_000_000_000_000, "int-range"),
        (2**63, "int-range"),
    ],
)
def test_counts_are_real_bounded_ints(value: object, rule: str) -> None:
    with refused(rule):
        check_count("people_count", value)


def test_counts_within_bounds_pass() -> None:
    assert check_count("n", 0) == 0
    assert check_count("n", 1_000_000_000) == 1_000_000_000
    with refused("int-range"):
        check_count("people_count", 10_001, minimum=1, maximum=10_000)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (Decimal("NaN"), "hours-range"),
        (Decimal("Infinity"), "hours-range"),
        (Decimal(0), "hours-range"),
        (Decimal("1000000.5"), "hours-range"),
        (2.5, "decimal-type"),
        (True, "decimal-type"),
    ],
)
def test_hours_are_finite_positive_and_bounded(value: object, rule: str) -> None:
    with refused(rule):
        check_hours("hours", value)


@pytest.mark.parametrize("code", ["ZZZ", "XXX", "XTS", "XAU", "dkk", "DK", "", 1])
def test_currency_must_be_a_money_iso_4217_code(code: object) -> None:
    with refused("currency-iso"):
        check_currency("currency", code)


@pytest.mark.parametrize("code", ["DKK", "EUR", "PLN", "USD", "XOF", "CHF"])
def test_real_currencies_pass(code: str) -> None:
    assert check_currency("currency", code) == code


def test_money_from_input_checks_currency_size_and_finiteness() -> None:
    assert Money.of("12.50", "DKK").amount == Decimal("12.50")
    with refused("currency-iso"):
        Money.of(1, "ZZZ")
    with refused("money-finite"):
        Money.of("NaN", "DKK")
    with refused("money-range"):
        Money.of("1e20", "DKK")
    with refused("money-type"):
        Money.of(True, "DKK")  # type: ignore[arg-type]


def test_money_in_another_currency_than_the_process_is_refused() -> None:
    check_same_currency("amount", "DKK", "DKK")
    with refused("currency-process"):
        check_same_currency("in_kind.fair_value", "EUR", "DKK")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (date(1, 1, 1), "date-window"),
        (date(9999, 12, 31), "date-window"),
        (DATE_MIN - timedelta(days=1), "date-window"),
        (DATE_MAX + timedelta(days=1), "date-window"),
        (datetime(2026, 5, 1, tzinfo=timezone(timedelta(hours=2))), "date-type"),
        ("2026-05-01", "date-type"),
    ],
)
def test_dates_lie_in_the_plausible_window(value: object, rule: str) -> None:
    with refused(rule):
        check_business_date("due_on", value)


def test_dates_in_the_window_and_narrower_rules() -> None:
    assert check_business_date("d", DATE_MIN) == DATE_MIN
    assert check_business_date("d", DATE_MAX) == DATE_MAX
    with refused("date-window"):
        check_business_date("decided_on", date(2030, 1, 1), latest=date(2026, 1, 1))


def test_instants_keep_their_offset() -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2026, 5, 1, 9, 30, tzinfo=plus_two)
    assert check_instant("at", moment).utcoffset() == timedelta(hours=2)
    with refused("datetime-offset"):
        check_instant("at", datetime(2026, 5, 1, 9, 30))
    with refused("datetime-type"):
        check_instant("at", date(2026, 5, 1))


def test_person_details_are_a_bounded_set_of_named_fields() -> None:
    assert check_person_details("details", {"name": " Anna ", "note": "a\nb"}) == {
        "name": "Anna",
        "note": "a\nb",
    }
    with refused("details-count"):
        check_person_details("details", {f"f{i}": "x" * 200 for i in range(50_000)})
    with refused("details-field"):
        check_person_details("details", {"Full Name": "Anna"})
    with refused("text-nul"):
        check_person_details("details", {"name": "An\x00na"})
    with refused("text-surrogate"):
        check_person_details("details", {"name": "x\ud800y"})
    with refused("text-length"):
        check_person_details("details", {"name": "x" * (PERSON_FIELDS["name"] + 1)})
    with refused("details-type"):
        check_person_details("details", ["name"])
