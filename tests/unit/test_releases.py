"""Release tags read as deployments."""

from __future__ import annotations

from dora.domain.model import Status
from dora.domain.releases import ReleaseTag, tag_deployments

from .builders import at, sha


def tag(name: str, released: str) -> ReleaseTag:
    return ReleaseTag(name, sha(name), at(released))


TAGS = [
    tag("v2", "2024-01-02T00:00:00Z"),
    tag("v1", "2024-01-01T00:00:00Z"),
    tag("nightly-1", "2024-01-03T00:00:00Z"),
    tag("v3", "2024-01-04T00:00:00Z"),
]


def test_every_tag_becomes_a_successful_deployment_oldest_first() -> None:
    deployments = tag_deployments(TAGS, "production")

    assert [d.id for d in deployments] == [
        "tag:v1",
        "tag:v2",
        "tag:nightly-1",
        "tag:v3",
    ]
    assert all(d.status is Status.SUCCESS and not d.baseline for d in deployments)
    assert deployments[0].finished_at == at("2024-01-01T00:00:00Z")
    assert deployments[0].sha == sha("v1")


def test_only_tags_matching_the_glob_are_releases() -> None:
    deployments = tag_deployments(TAGS, "production", pattern="v*")

    assert [d.id for d in deployments] == ["tag:v1", "tag:v2", "tag:v3"]


def test_the_last_tag_before_the_cut_off_is_the_baseline_and_older_ones_go() -> None:
    cutoff = at("2024-01-03T00:00:00Z")

    deployments = tag_deployments(TAGS, "staging", "v*", baseline_before=cutoff)

    assert [(d.id, d.baseline) for d in deployments] == [
        ("tag:v2", True),
        ("tag:v3", False),
    ]
    assert {d.environment for d in deployments} == {"staging"}


def test_with_no_tag_before_the_cut_off_there_is_no_baseline() -> None:
    cutoff = at("2023-01-01T00:00:00Z")

    deployments = tag_deployments(TAGS, "production", "v*", baseline_before=cutoff)

    assert [d.baseline for d in deployments] == [False, False, False]


def test_tags_released_at_the_same_instant_are_ordered_by_name() -> None:
    same = [tag("b", "2024-01-01T00:00:00Z"), tag("a", "2024-01-01T00:00:00Z")]

    assert [d.id for d in tag_deployments(same, "production")] == ["tag:a", "tag:b"]


def test_a_tag_too_long_for_a_deployment_id_is_left_out() -> None:
    long_tag = tag("x" * 300, "2024-01-01T00:00:00Z")

    assert tag_deployments([long_tag], "production") == []
