"""How long each command takes on the reference machine, as measured.

The sentences come from ``durations.json`` beside this module, which
``docs/_ext/result_pages.py`` writes from the result files under
``docs/results/`` (a test fails when it is stale); no figure is typed here.
"""

import functools
import json
from pathlib import Path

__all__ = ["duration_sentence"]

_FILE = Path(__file__).with_name("durations.json")


@functools.cache
def _sentences():
    try:
        return json.loads(_FILE.read_text(encoding="utf-8"))["sentences"]
    except (OSError, ValueError, KeyError):  # a checkout before its first build
        return {}


def duration_sentence(command):
    """The measured duration of ``command`` as a sentence, or "" if unmeasured.

    Examples
    --------
    >>> from awdids.cli._durations import duration_sentence
    >>> duration_sentence("no such command")
    ''
    """
    return _sentences().get(command, "")
