"""The ``awdids`` command line: one module per command, parsed here.

Each command module has ``add_parser(subparsers)`` and ``run(args)``; the
heavy imports happen inside ``run``, so that ``awdids --help`` is quick.
"""

import argparse
import contextlib
import signal
import sys
import threading

from . import _baselines, _calibrate, _fetch, _predict, _reproduce, _search, _train

__all__ = ["main"]

_COMMANDS = (_baselines, _fetch, _reproduce, _search, _train, _calibrate, _predict)

_EPILOG = """\
a first run, a smoke test of every model (its duration: 'awdids reproduce --help'):
  awdids fetch && awdids reproduce --quick --out smoke

from your own records to a deployed model:
  awdids search --schema site.json --data site.csv --out search-results
  awdids train --schema site.json --data site.csv \\
      --params search-results/search.json --out site.awdids
  awdids predict site.awdids new-flows.csv --keep-columns id --proba

an unknown-attack flag whose false-alarm rate holds on your network:
  awdids train --model "HistGradientBoosting + novelty flag" --out flag.awdids
  awdids calibrate flag.awdids normal-capture.csv --out site-flag.awdids

'awdids COMMAND --help' describes each command, with examples.
"""


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps a description; keeps an epilog of examples line by line."""

    def _fill_text(self, text, width, indent):
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _version():
    from .. import __version__

    return f"awdids {__version__}"


def build_parser():
    """The ``awdids`` parser, and its commands' parsers by name."""
    parser = argparse.ArgumentParser(
        prog="awdids",
        description=(
            "Network intrusion detection on flow records (NSL-KDD, KDD Cup 99, "
            "UNSW-NB15 or a schema of your own) with the AWD-CNN-LSTM + GP-GAN "
            "method and its baselines."
        ),
        epilog=_EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = {}
    for module in _COMMANDS:
        command = module.add_parser(sub)
        command.formatter_class = _HelpFormatter
        commands[command.prog.split()[-1]] = command
    return parser, commands


def _parse(argv):
    """Parse ``argv``; an unknown option gets its own command's usage."""
    parser, commands = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv=None):
    """Run the ``awdids`` command; return its exit status.

    Examples
    --------
    >>> from awdids.cli import main
    >>> main(["--version"])  # doctest: +SKIP
    awdids 0.1.0
    """
    args = _parse(argv)
    with _sigterm_as_exit():
        try:
            return args.handler(args)
        except (ImportError, OSError, ValueError) as error:
            message = " ".join(str(error).split())  # one line, whatever it quotes
            print(f"awdids {args.command}: error: {message}", file=sys.stderr)
            return 2


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_as_exit():
    """SIGTERM raises SystemExit, so that writers remove their temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
