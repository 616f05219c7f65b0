"""The bench's entry for the coordinating view (bench.run.coordination_figures): every figure
timed with its queries, and the queries do not grow with the data behind them."""

from __future__ import annotations

import pytest

from bench.run import coordination_figures
from samarbeid import figures
from tests.booking.factories import ResourceFactory
from tests.innbyggertorg.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_bench_entry__every_figure_with_a_flat_query_count(region):
    first = coordination_figures(members=4, months=12)
    assert first["members"] == 4
    assert set(first["figures"]) == {figure.key for figure in figures.FIGURES}
    for hub in region.hub.values():  # more of what the figures count
        for _n in range(5):
            EventFactory(hub=hub)
            ResourceFactory(hub=hub)
    again = coordination_figures(members=4, months=12)
    assert {k: v["queries"] for k, v in again["figures"].items()} == {
        k: v["queries"] for k, v in first["figures"].items()
    }
    assert all(each["queries"] <= 8 for each in again["figures"].values()), again
