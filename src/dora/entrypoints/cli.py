"""The `dora` command line: serve the REST API, import exports, print metrics."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from dora.domain.model import RepoPath
from dora.entrypoints import cli_git
from dora.entrypoints.cli_import import History, read_history
from dora.entrypoints.cli_output import import_display, summary_line
from dora.entrypoints.cli_support import (
    CliState,
    DoraGroup,
    cli_state,
    configure_logging,
    listen,
    run_with_container,
)
from dora.entrypoints.cli_tables import print_metrics
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import unit_of_work
from dora.service_layer import ingest
from dora.service_layer.metrics import dora_metrics
from dora.service_layer.queries import MetricsQuery

if TYPE_CHECKING:
    from aiohttp.web import Application

    from dora.container import Container

logger = logging.getLogger(__name__)


@click.group(cls=DoraGroup)
@click.version_option(package_name="dora")
@click.pass_context
def main(ctx: click.Context) -> None:
    """DORA metrics of a git hosting platform's repositories.

    Deployment frequency, lead time for changes, change failure rate,
    recovery time and rework rate, with the DORA 2023 performance levels.

    The database is DORA_DATABASE_URL, by default the SQLite file ./dora.db.
    """
    # Tests hand in a CliState with their own container factory.
    if ctx.obj is None:
        ctx.obj = CliState(settings=Settings.from_env())
    # A command reports its failure as one error line; only the service logs.
    if ctx.invoked_subcommand != "serve":
        configure_logging(default="ERROR")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--insecure",
    is_flag=True,
    help="Serve without access tokens on a non-loopback --host.",
)
def serve(host: str, port: int, insecure: bool) -> None:
    """Run the REST service until interrupted.

    With DORA_TOKENS or DORA_TOKENS_FILE set, /api/v1 needs a bearer token;
    without them the service listens on a loopback address only.
    """
    # Imported here, as the SQL container is, to keep the other commands quick.
    from aiohttp import web

    from dora.entrypoints.http_app import create_app
    from dora.entrypoints.http_auth import check_exposure

    state = cli_state()
    check_exposure(host, bool(state.settings.tokens), insecure)
    configure_logging()
    listener = listen(host, port)
    app = create_app(state.container(), state.settings)

    # Startup hooks run in order: this one after the database was reached.
    app.on_startup.append(_announce(host, port, state.settings.database_kind))
    web.run_app(app, sock=listener, print=None)


def _announce(
    host: str, port: int, kind: str
) -> Callable[[Application], Awaitable[None]]:
    async def announce(_app: Application) -> None:
        shown = f"[{host}]" if ":" in host else host
        logger.info("dora serving http://%s:%d on the %s database", shown, port, kind)

    return announce


@main.command("import")
@click.argument(
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--repo", required=True, help="org/project/repo to import into.")
def import_export(directory: Path, repo: str) -> None:
    """Load a platform export: commits, deployments and incidents CSV files.

    DIRECTORY holds commits.csv and deployments.csv, and may hold
    incidents.csv; each may be gzipped (.csv.gz). Every row is checked first;
    with any invalid row nothing is stored.
    """
    path = RepoPath.parse(repo, "repo")
    console = Console()
    began = time.perf_counter()

    with import_display(console) as display:
        history = read_history(directory, display.tick)
        history.check(directory)
        display.storing()
        new = run_with_container(lambda container: _store(container, path, history))
        display.stored()

    counts = (len(history.commits), len(history.deployments), len(history.incidents))
    click.echo(summary_line(str(path), counts, new, time.perf_counter() - began))


async def _store(
    container: Container, path: RepoPath, history: History
) -> tuple[int, int]:
    commits = list(history.commits.values())
    uow = await unit_of_work(container)
    return await ingest.import_history(
        uow, path, commits, history.deployments, history.incidents
    )


@main.command()
@click.option("--scope", required=True, help="repo, project or org.")
@click.option("--id", "scope_id", required=True, help="The path of the scope.")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option(
    "--granularity", default="week", show_default=True, help="day, week or month."
)
@click.option("--environment", default="production", show_default=True)
@click.option("--tz", default="UTC", show_default=True, help="IANA time zone.")
@click.option(
    "--lead-time-from",
    default="committed",
    show_default=True,
    help="committed or authored.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--compare",
    default="none",
    show_default=True,
    help="previous: add the figures of the window just before.",
)
@click.option("--recompute", is_flag=True, help="Ignore any stored snapshot.")
def metrics(
    scope: str,
    scope_id: str,
    start: str,
    end: str,
    granularity: str,
    environment: str,
    tz: str,
    lead_time_from: str,
    compare: str,
    output: str,
    recompute: bool,
) -> None:
    """Print the DORA metrics of a repo, project or org."""
    query = MetricsQuery.parse(
        {
            "scope": scope,
            "id": scope_id,
            "from": start,
            "to": end,
            "granularity": granularity,
            "environment": environment,
            "tz": tz,
            "lead_time_from": lead_time_from,
            "compare": compare,
        }
    )

    answer = run_with_container(lambda container: _metrics(container, query, recompute))

    if output == "json":
        click.echo(json.dumps(answer, indent=2))
    else:
        print_metrics(Console(), answer)


async def _metrics(
    container: Container, query: MetricsQuery, recompute: bool
) -> dict[str, Any]:
    return await dora_metrics(await unit_of_work(container), query, recompute)


main.add_command(cli_git.import_git_command)
main.add_command(cli_git.hook)
main.add_command(cli_git.deploy)
