"""`gridworks actors run`: a run file's actors on several worker processes
(`gridworks.actors.workers`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from gridworks.cli.chain import app_id_option
from gridworks.cli.errors import reported
from gridworks.cli.keys import password_env_option

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _ask(text: str) -> str:
    """A hidden prompt on stderr, through click so that tests can feed it."""
    return str(click.prompt(text.rstrip(": "), hide_input=True, err=True))


@click.group("actors")
def actors_group() -> None:
    """Run GNode actors over the broker."""


@actors_group.command("run")
@click.argument("runfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (no more than there are actors) [default: one per core].",
)
@click.option(
    "--for",
    "run_for",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop after SECONDS [default: run until Ctrl-C or SIGTERM].",
)
@app_id_option
@password_env_option
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default="INFO",
    show_default=True,
    help="The workers' logging (to stderr, each line naming its worker).",
)
@click.pass_context
def actors_run(
    ctx: click.Context,
    runfile: Path,
    workers: int | None,
    run_for: float | None,
    app_id: int | None,
    password_env: str | None,
    log_level: str,
) -> None:
    """Run the actors of RUNFILE (TOML, or JSON if it ends in .json) on worker processes.

    The actors are placed round robin, in the file's order; each worker runs its share on one
    broker connection until Ctrl-C or SIGTERM (or --for SECONDS), then closes cleanly. When a
    worker dies the others are stopped. Prints each worker's counts; exit 1 if any failed.
    """
    import logging

    from gridworks.actors.workers import (
        RunFileError,
        WorkersError,
        load_runfile,
        resolve_chain,
        run_workers,
    )
    from gridworks.identity.keys import PASSWORD_ENV, password_from

    try:
        plan = load_runfile(runfile)
        explicit = ctx.get_parameter_source("app_id") is click.core.ParameterSource.COMMANDLINE
        chain = resolve_chain(plan, factory_app_id=app_id, override_app_id=explicit)
    except (RunFileError, WorkersError) as exc:
        raise click.ClickException(str(exc)) from exc
    password = reported(
        lambda: (
            password_from(password_env, prompt=False)
            if password_env is not None  # the named variable must be set
            else password_from(PASSWORD_ENV, prompt=True, ask=_ask, label="Key files' password")
        )
    )
    count = workers or os.cpu_count() or 1
    try:
        report = run_workers(
            plan,
            count,
            password=password,
            chain=chain,
            run_for=run_for,
            log_level=getattr(logging, log_level.upper()),
            say=lambda line: click.echo(line, err=True),
        )
    except WorkersError as exc:
        raise click.ClickException(str(exc)) from exc
    total = [0, 0, 0]
    for outcome in report.workers:
        if outcome.report is not None:
            click.echo(outcome.report.line())
            total[0] += outcome.report.accepted
            total[1] += outcome.report.refused_total
            total[2] += outcome.report.published
        else:
            click.echo(f"worker {outcome.index}: {len(outcome.aliases)} actors, no counts "
                       "(it stopped before its actors ran)")  # fmt: skip
    click.echo(
        f"total: {sum(len(o.aliases) for o in report.workers)} actors on "
        f"{len(report.workers)} workers, {total[0]} accepted, {total[1]} refused, "
        f"{total[2]} published"
    )
    if not report.ok:  # each failure was said as it happened
        click.echo(f"{len(report.failed)} of {len(report.workers)} workers failed", err=True)
        raise SystemExit(1)
