"""Reading commits and tags from real repositories made with git."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dora.adapters.git_history import (
    GitHistoryError,
    count_commits,
    read_commits,
    read_tags,
)
from dora.domain.model import Commit
from tests.git_builder import GitRepo, git

T1 = "2024-01-01T10:00:00+00:00"
T2 = "2024-01-02T10:00:00+02:00"
T3 = "2024-01-03T10:00:00Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def all_commits(path: Path, batch_size: int = 5_000) -> dict[str, Commit]:
    return {c.sha: c for batch in read_commits(path, batch_size) for c in batch}


@pytest.fixture
def linear(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(tmp_path / "linear")
    shas = [
        repo.commit("one", T1, authored="2023-12-31T09:00:00Z"),
        repo.commit("two", T2),
        repo.commit("three", T3),
    ]
    return repo, shas


def test_a_linear_history_reads_shas_parents_and_both_times(linear):
    repo, (one, two, three) = linear

    commits = all_commits(repo.path)

    assert set(commits) == {one, two, three}
    assert commits[one].parents == ()
    assert commits[two].parents == (one,)
    assert commits[three].parents == (two,)
    assert commits[one].committed_at == at(T1)
    assert commits[one].authored_at == at("2023-12-31T09:00:00Z")
    assert commits[two].committed_at == datetime(2024, 1, 2, 8, tzinfo=UTC)


def test_commits_arrive_in_batches_of_the_asked_size(linear):
    repo, _ = linear

    sizes = [len(batch) for batch in read_commits(repo.path, batch_size=2)]

    assert sizes == [2, 1]
    assert count_commits(repo.path) == 3


def test_a_merge_lists_its_parents_in_order(tmp_path):
    repo = GitRepo(tmp_path / "merge")
    base = repo.commit("base", T1)
    repo.run("checkout", "-q", "-b", "feature")
    feature = repo.commit("feature", T2)
    repo.run("checkout", "-q", "main")
    main = repo.commit("main", T2)
    repo.run("merge", "-q", "--no-ff", "-m", "merge", "feature", when=T3)
    merge = repo.head()

    commits = all_commits(repo.path)

    assert commits[merge].parents == (main, feature)
    assert commits[feature].parents == (base,)
    assert len(commits) == 4


def test_commits_of_every_branch_are_read(tmp_path):
    repo = GitRepo(tmp_path / "branches")
    repo.commit("base", T1)
    repo.run("checkout", "-q", "-b", "side")
    side = repo.commit("side only", T2)
    repo.run("checkout", "-q", "main")

    assert side in all_commits(repo.path)


def test_a_lightweight_tag_is_released_at_its_commit_time(linear):
    repo, (one, _, _) = linear
    repo.run("tag", "v1", one)

    (tag,) = read_tags(repo.path)

    assert (tag.name, tag.sha, tag.released_at) == ("v1", one, at(T1))


def test_an_annotated_tag_is_released_at_its_tagger_date(linear):
    repo, (_, two, _) = linear
    repo.run("tag", "-a", "v2", "-m", "release 2", two, when="2024-02-01T00:00:00Z")

    (tag,) = read_tags(repo.path)

    assert tag.sha == two
    assert tag.released_at == at("2024-02-01T00:00:00Z")


def test_a_tag_on_a_merge_points_at_the_merge(tmp_path):
    repo = GitRepo(tmp_path / "merge")
    repo.commit("base", T1)
    repo.run("checkout", "-q", "-b", "feature")
    repo.commit("feature", T2)
    repo.run("checkout", "-q", "main")
    repo.run("merge", "-q", "--no-ff", "-m", "merge", "feature", when=T3)
    repo.run("tag", "-a", "release-1", "-m", "r", when="2024-01-04T00:00:00Z")

    (tag,) = read_tags(repo.path)

    assert tag.sha == repo.head()
    assert len(all_commits(repo.path)[tag.sha].parents) == 2


def test_a_tag_on_a_tree_is_skipped(linear):
    repo, _ = linear
    tree = repo.run("rev-parse", "HEAD^{tree}")
    repo.run("tag", "a-tree", tree)
    repo.run("tag", "v3")

    assert [tag.name for tag in read_tags(repo.path)] == ["v3"]


def test_a_bare_clone_reads_like_its_origin(linear, tmp_path):
    repo, shas = linear
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), "bare.git")

    assert set(all_commits(tmp_path / "bare.git")) == set(shas)


def test_an_empty_repository_has_no_commits_and_no_tags(tmp_path):
    repo = GitRepo(tmp_path / "empty")

    assert all_commits(repo.path) == {}
    assert read_tags(repo.path) == []
    assert count_commits(repo.path) == 0


def test_a_directory_that_is_no_repository_is_named_in_the_error(tmp_path):
    with pytest.raises(GitHistoryError, match=re.escape(str(tmp_path))):
        next(read_commits(tmp_path))


def test_a_missing_directory_is_named_in_the_error(tmp_path):
    missing = tmp_path / "nowhere"

    with pytest.raises(GitHistoryError, match=r"nowhere.* is not a directory"):
        read_tags(missing)


def test_a_missing_git_program_gives_a_clear_error(linear, monkeypatch):
    repo, _ = linear
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(GitHistoryError, match="git is not installed"):
        read_tags(repo.path)


def test_a_reader_stopped_early_leaves_no_git_running(linear):
    repo, _ = linear
    batches = read_commits(repo.path, batch_size=1)

    next(batches)
    batches.close()
