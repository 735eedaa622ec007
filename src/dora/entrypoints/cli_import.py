"""Check an export row by row with the REST API's wire models.

Each row becomes the JSON object a client would have posted and is validated
by `CommitIn` or `DeploymentIn`, so an import accepts exactly what the API
accepts. Every problem is collected before anything is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dora.adapters.export_files import (
    COMMIT_COLUMNS,
    DEPLOYMENT_COLUMNS,
    INCIDENT_COLUMNS,
    ExportRow,
    export_file,
    optional_export_file,
    read_rows,
)
from dora.domain.errors import InvalidPayload, Problem
from dora.domain.incidents import Incident
from dora.domain.model import Commit, Deployment
from dora.entrypoints.schemas import (
    CommitIn,
    DeploymentIn,
    IncidentIn,
    WireT,
    invalid_payload,
)

# Called once per row read, with "commits", "deployments" or "incidents".
Tick = Callable[[str], None]

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


@dataclass
class History:
    """The valid items of an export and the problems of the others."""

    commits: dict[str, Commit] = field(default_factory=dict)
    deployments: list[Deployment] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    first_line: dict[str, int] = field(default_factory=dict)
    deployment_rows: dict[str, tuple[int, int]] = field(default_factory=dict)

    def check(self, directory: Path) -> None:
        """Raise when any row was invalid: then nothing may be stored."""
        if len(self.problems) == 1:
            only = self.problems[0]
            message = f"{only.path}: {only.message}; nothing was stored"
            raise InvalidPayload(message, self.problems)
        if self.problems:
            count = len(self.problems)
            message = f"{directory}: {count} problems; nothing was stored"
            raise InvalidPayload(message, self.problems)


def read_history(directory: Path, tick: Tick) -> History:
    """Read and check every file of an export."""
    commits_file = export_file(directory, "commits")
    deployments_file = export_file(directory, "deployments")
    incidents_file = optional_export_file(directory, "incidents")
    history = History()

    for row in read_rows(commits_file, COMMIT_COLUMNS):
        tick("commits")
        commit = _validated(CommitIn, commit_fields(row.values), row, history)
        if commit is not None:
            _add_commit(history, commit.to_domain(), row)

    for row in read_rows(deployments_file, DEPLOYMENT_COLUMNS):
        tick("deployments")
        deployment = _validated(
            DeploymentIn, deployment_fields(row.values), row, history
        )
        if deployment is not None:
            _add_deployment(history, deployment.to_domain(), row)

    if incidents_file is not None:
        for row in read_rows(incidents_file, INCIDENT_COLUMNS):
            tick("incidents")
            incident = _validated(IncidentIn, _present(row.values), row, history)
            if incident is not None:
                history.incidents.append(incident.to_domain())

    return history


def commit_fields(values: dict[str, str]) -> dict[str, Any]:
    """Return the JSON object of a commit row, as a client would post it."""
    fields: dict[str, Any] = _present(values)
    fields["parents"] = values.get("parents", "").split()
    return fields


def deployment_fields(values: dict[str, str]) -> dict[str, Any]:
    """Return the JSON object of a deployment row, as a client would post it."""
    fields: dict[str, Any] = _present(values)
    if "baseline" in fields:
        text = fields["baseline"]
        fields["baseline"] = BOOLEANS.get(text.lower(), text)
    return fields


def _present(values: dict[str, str]) -> dict[str, str]:
    # An empty cell means "not given", as a key left out of a JSON body does.
    stripped = {name: value.strip() for name, value in values.items()}
    return {name: value for name, value in stripped.items() if value}


def _validated(
    model: type[WireT], fields: dict[str, Any], row: ExportRow, history: History
) -> WireT | None:
    if row.problem is not None:
        history.problems.append(Problem(row.where, row.problem))
        return None
    try:
        return model.model_validate_json(json.dumps(fields))
    except ValidationError as error:
        history.problems.extend(_located(row, invalid_payload(error).problems))
        return None


def _located(row: ExportRow, problems: list[Problem]) -> list[Problem]:
    return [
        Problem(f"{row.where}: {p.path}" if p.path else row.where, p.message)
        for p in problems
    ]


def _add_commit(history: History, commit: Commit, row: ExportRow) -> None:
    # A repeated identical row is harmless (the API ignores known shas too);
    # a repeated sha with other values means the export contradicts itself.
    known = history.commits.get(commit.sha)
    if known is None:
        history.commits[commit.sha] = commit
        history.first_line[commit.sha] = row.line
    elif known != commit:
        line = history.first_line[commit.sha]
        message = f"{commit.sha!r} differs from the same sha on line {line}"
        history.problems.append(Problem(f"{row.where}: sha", message))


def _add_deployment(history: History, deployment: Deployment, row: ExportRow) -> None:
    # As with commits: an id twice with other values is a contradiction, not
    # an update, since an export has no order of arrival to go by.
    known = history.deployment_rows.get(deployment.id)
    if known is None:
        history.deployment_rows[deployment.id] = (len(history.deployments), row.line)
        history.deployments.append(deployment)
    elif history.deployments[known[0]] != deployment:
        message = f"{deployment.id!r} differs from the same id on line {known[1]}"
        history.problems.append(Problem(f"{row.where}: id", message))
