"""The pure pricing function: total is the sum of the lines, never negative, the minimum
charge is respected, VAT is exact under the stated rule (half up, per line)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from betaling.enums import PriceUnit, VatRate
from betaling.pricing import MINIMUM_LABEL, Rate, Tariff, price_booking, price_time, vat_in

START = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)

rates = st.builds(
    Rate,
    label=st.just("Leie"),
    unit=st.sampled_from(list(PriceUnit)),
    unit_price=st.integers(min_value=0, max_value=10_000_000),
    vat_rate=st.sampled_from(list(VatRate)),
)
tariffs = st.builds(
    Tariff,
    resource_id=st.integers(1, 5),
    resource_name=st.just("Sal"),
    rates=st.lists(rates, max_size=4).map(tuple),
    minimum=st.integers(min_value=0, max_value=5_000_000),
    minimum_vat_rate=st.sampled_from(list(VatRate)),
)
minutes = st.integers(min_value=1, max_value=24 * 60)


def exact_half_up(value: Fraction) -> int:
    """Half up, by the definition (floor of value + 1/2), for a non-negative value."""
    return int(value + Fraction(1, 2))


distinct_tariffs = st.lists(tariffs, max_size=3).map(
    lambda found: [replace(tariff, price_list_id=n) for n, tariff in enumerate(found)]
)


@given(tariffs=distinct_tariffs, minutes=minutes)
def test_a_time_costs_the_sum_of_its_lines_never_negative_at_least_the_minimum(tariffs, minutes):
    time = price_time(tariffs, START, START + timedelta(minutes=minutes))
    assert time.total == sum(line.amount for line in time.lines)
    assert time.vat == sum(line.vat for line in time.lines)
    assert all(line.amount >= 0 and 0 <= line.vat <= line.amount for line in time.lines)
    for tariff in tariffs:
        own = [line for line in time.lines if line.price_list_id == tariff.price_list_id]
        assert sum(line.amount for line in own) >= tariff.minimum


@given(rate=rates, minutes=minutes)
def test_each_line_is_exact_under_the_rounding_rule(rate, minutes):
    tariff = Tariff(resource_id=1, resource_name="Sal", rates=(rate,))
    (line,) = price_time([tariff], START, START + timedelta(minutes=minutes)).lines
    if rate.unit == PriceUnit.PER_HOUR:
        assert line.amount == exact_half_up(Fraction(rate.unit_price * minutes, 60))
    else:
        assert line.amount == rate.unit_price
    percent = VatRate(rate.vat_rate).percent
    assert line.vat == exact_half_up(Fraction(line.amount * percent, 100 + percent))


@given(tariff=tariffs, minutes=minutes)
def test_the_minimum_charge_tops_up_to_exactly_the_minimum(tariff, minutes):
    time = price_time([tariff], START, START + timedelta(minutes=minutes))
    listed = sum(line.amount for line in time.lines if line.label != MINIMUM_LABEL)
    assert time.total == max(listed, tariff.minimum)
    top_ups = [line for line in time.lines if line.label == MINIMUM_LABEL]
    assert len(top_ups) == (1 if listed < tariff.minimum else 0)


@given(tariff=tariffs, lengths=st.lists(minutes, min_size=1, max_size=10))
def test_a_series_costs_the_sum_of_its_times(tariff, lengths):
    times = [
        (START + timedelta(days=7 * n), START + timedelta(days=7 * n, minutes=m), [tariff])
        for n, m in enumerate(lengths)
    ]
    price = price_booking(times)
    assert price.total == sum(time.total for time in price.times)
    assert price.total == sum(price_time([tariff], s, e).total for s, e, _t in times)
    assert sum(amount for _rate, amount, _vat in price.vat_by_rate) == price.total
    assert sum(vat for _rate, _amount, vat in price.vat_by_rate) == price.vat


def test_known_values():
    """250 kr an hour for 90 minutes at 25 % VAT: 375 kr, of which 75 kr VAT; 0.5 øre up."""
    tariff = Tariff(
        resource_id=1,
        resource_name="Sal",
        rates=(Rate("Leie", PriceUnit.PER_HOUR, 25000, VatRate.HIGH),),
    )
    time = price_time([tariff], START, START + timedelta(minutes=90))
    assert (time.total, time.vat) == (37500, 7500)
    assert vat_in(1, VatRate.HIGH) == 0  # 0.2 øre
    assert vat_in(5, VatRate.HIGH) == 1  # exactly 1 øre
    assert vat_in(1, VatRate.MEDIUM) == 0  # 0.13 øre
    odd = Tariff(
        resource_id=1,
        resource_name="Sal",
        rates=(Rate("Leie", PriceUnit.PER_HOUR, 1, VatRate.ZERO),),
    )
    assert price_time([odd], START, START + timedelta(minutes=30)).total == 1  # 0.5 øre up


def test_negative_prices_are_refused():
    tariff = Tariff(
        resource_id=1,
        resource_name="Sal",
        rates=(Rate("Leie", PriceUnit.PER_HOUR, -1, VatRate.HIGH),),
    )
    with pytest.raises(ValueError, match="negative"):
        price_time([tariff], START, START + timedelta(hours=1))
