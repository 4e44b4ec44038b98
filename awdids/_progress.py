"""Progress of long loops: a tqdm bar on a terminal, plain lines in a log file.

tqdm redraws its bar with carriage returns, which a redirected log keeps as
one unreadable line; when the stream is not a terminal, a line is printed at
most every ``interval`` seconds, and one at the end.
"""

import sys
import time

__all__ = ["progress_bar"]


class _PlainProgress:
    """The part of tqdm's interface awdids uses, printed as plain lines."""

    def __init__(self, iterable, *, desc, total, unit, stream, interval):
        self.iterable, self.desc, self.unit = iterable, desc, unit
        self.total = len(iterable) if total is None and iterable is not None else total
        self.stream, self.interval = stream, interval
        self.n, self.postfix = 0, ""
        self._started = self._shown = time.monotonic()

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.update(1)
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def set_postfix(self, **values):
        self.postfix = ", ".join(f"{k}={v}" for k, v in values.items())

    def update(self, n=1):
        self.n += n
        if time.monotonic() - self._shown >= self.interval:
            self._print()

    def close(self):
        if self.stream is not None:
            self._print()
            self.stream = None  # printed once, however often closed

    def _print(self):
        self._shown = time.monotonic()
        of = f"/{self.total:,}" if self.total is not None else ""
        elapsed = self._shown - self._started
        extra = f" ({self.postfix})" if self.postfix else ""
        print(
            f"{self.desc}: {self.n:,}{of}{self.unit}, {elapsed:.0f} s{extra}",
            file=self.stream,
            flush=True,
        )


def progress_bar(
    iterable=None,
    *,
    desc,
    total=None,
    unit="it",
    disable=False,
    leave=True,
    stream=None,
    interval=30.0,
):
    """A progress reporter over ``iterable`` (or updated by hand with ``update``).

    Parameters
    ----------
    iterable : iterable, default=None
        Loop over it; None for a reporter fed by ``update(n)``.
    desc : str
        What progresses ("GAN u2r", "predict").
    total : int, default=None
        Expected count (``len(iterable)`` when it has one).
    unit : str, default="it"
        Appended to the count.
    disable : bool, default=False
        Report nothing.
    leave : bool, default=True
        On a terminal, keep the finished bar.
    stream : file, default=None
        Where to write; ``sys.stderr`` when None.
    interval : float, default=30.0
        Seconds between plain lines when ``stream`` is not a terminal.

    Returns
    -------
    progress : tqdm or a plain-line reporter with the same ``update``,
        ``set_postfix`` and ``close``.

    Examples
    --------
    >>> import io
    >>> from awdids._progress import progress_bar
    >>> log = io.StringIO()
    >>> for _ in progress_bar(range(3), desc="epochs", stream=log):
    ...     pass
    >>> log.getvalue()
    'epochs: 3/3it, 0 s\\n'
    """
    stream = sys.stderr if stream is None else stream
    on_terminal = hasattr(stream, "isatty") and stream.isatty()
    if on_terminal or disable:
        from tqdm.auto import tqdm

        return tqdm(
            iterable,
            desc=desc,
            total=total,
            unit=unit,
            unit_scale=unit != "it",
            disable=disable,
            leave=leave,
            file=stream,
        )
    return _PlainProgress(
        iterable, desc=desc, total=total, unit=unit, stream=stream, interval=interval
    )
