"""`gridworks demo`: the main demo (the story itself is `gridworks.cli.stories.demo`)."""

from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """The main demo: a Scada and an AtomicTNode exchange signed messages over RabbitMQ while an
    impostor, a replayer and a forger try; prints a timeline and a summary table."""
    import logging

    from gridworks.actors.broker import BrokerError
    from gridworks.cli.stories.demo import run_demo

    # the timeline reports every refusal; the consumers' own warnings would repeat them
    logging.getLogger("gridworks.actors").setLevel(logging.ERROR)
    try:
        run_demo(click.echo)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
