"""A metrics question with a bad parameter is refused, naming field and value."""

from __future__ import annotations

import re

import pytest
from multidict import MultiDict

from dora.domain.errors import InvalidParameter
from dora.domain.metrics import LeadTimeFrom
from dora.domain.model import Scope, ScopeType
from dora.domain.window import Granularity
from dora.service_layer.queries import MetricsQuery

VALID = {
    "scope": "repo",
    "id": "acme/web/api",
    "from": "2024-01-01",
    "to": "2024-01-31",
}


def refusal(**changes: str | None) -> str:
    params = {**VALID, **changes}
    with pytest.raises(InvalidParameter) as raised:
        MetricsQuery.parse(params)
    return raised.value.message


def names(message: str, field: str, value: str | None = None) -> bool:
    """Whether the message names the field as a word, and the value if given."""
    named = re.search(rf"\b{re.escape(field)}\b", message) is not None
    return named and (value is None or value in message)


@pytest.mark.parametrize("text", ["2024-02-30", "20240101", "2024-1-1", "yesterday"])
@pytest.mark.parametrize("field", ["from", "to"])
def test_date_that_is_not_a_real_yyyy_mm_dd_is_refused(field: str, text: str) -> None:
    message = refusal(**{field: text})

    assert names(message, field, text)


def test_window_whose_start_is_after_its_end_is_refused() -> None:
    changes = {"from": "2024-02-01", "to": "2024-01-01"}

    message = refusal(**changes)

    assert names(message, "from", "2024-02-01")


def test_unknown_time_zone_is_refused() -> None:
    message = refusal(tz="Mars/Olympus_Mons")

    assert names(message, "tz", "Mars/Olympus_Mons")


def test_unknown_granularity_is_refused() -> None:
    message = refusal(granularity="fortnight")

    assert names(message, "granularity", "fortnight")


def test_unknown_scope_is_refused() -> None:
    message = refusal(scope="galaxy")

    assert names(message, "scope", "galaxy")


def test_id_that_is_not_the_path_of_its_scope_is_refused() -> None:
    message = refusal(scope="repo", id="acme/web")

    assert names(message, "id", "acme/web")


def test_unknown_lead_time_origin_is_refused() -> None:
    message = refusal(lead_time_from="merged")

    assert names(message, "lead_time_from", "merged")


def test_malformed_environment_is_refused() -> None:
    message = refusal(environment="pro duction")

    assert names(message, "environment", "pro duction")


@pytest.mark.parametrize("field", ["scope", "id", "from", "to"])
def test_missing_required_parameter_is_refused_by_name(field: str) -> None:
    params = {key: value for key, value in VALID.items() if key != field}

    with pytest.raises(InvalidParameter) as raised:
        MetricsQuery.parse(params)

    assert names(raised.value.message, field)


@pytest.mark.parametrize("field", ["scope", "id", "from", "to"])
def test_empty_required_parameter_is_refused_by_name(field: str) -> None:
    message = refusal(**{field: ""})

    assert names(message, field)


def test_optional_parameters_take_their_defaults() -> None:
    query = MetricsQuery.parse(VALID)

    assert query.scope == Scope(ScopeType.REPO, "acme/web/api")
    assert query.granularity is Granularity.WEEK
    assert query.environment == "production"
    assert query.tz_name == "UTC"
    assert query.lead_time_from is LeadTimeFrom.COMMITTED


def test_parameters_given_are_read() -> None:
    params = {
        **VALID,
        "scope": "org",
        "id": "acme",
        "granularity": "month",
        "environment": "staging",
        "tz": "Europe/Berlin",
        "lead_time_from": "authored",
    }

    query = MetricsQuery.parse(params)

    assert query.scope == Scope(ScopeType.ORG, "acme")
    assert query.granularity is Granularity.MONTH
    assert query.environment == "staging"
    assert query.tz_name == "Europe/Berlin"
    assert query.lead_time_from is LeadTimeFrom.AUTHORED


@pytest.mark.parametrize("name", ["enviroment", "lead_time_form", "_"])
def test_a_name_the_question_does_not_have_is_refused(name: str) -> None:
    message = refusal(**{name: "staging"})

    assert names(message, name)


def test_a_parameter_given_twice_is_refused() -> None:
    params = MultiDict({**VALID, "granularity": "day"})
    params.add("granularity", "month")

    with pytest.raises(InvalidParameter) as raised:
        MetricsQuery.parse(params)

    assert names(raised.value.message, "granularity")
