"""Result files of the benchmarks: the tables a script prints, as JSON.

Every benchmark builds a :class:`Report`, adds the tables it prints, and
writes ``docs/results/<name>.json`` (or ``--out``) with the machine, the
library versions and the date. ``docs/_ext/result_pages.py`` builds the
benchmark page from these files; no figure there is typed by hand.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from awdids._environment import describe_environment
from awdids._markdown import markdown_table

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "results"


def default_out(name):
    return RESULTS / f"{name}.json"


def mean_std(values, digits=3):
    """``"mean ± std"`` of ``values``, with the population std (``np.std``).

    Every result file of the project gives the spread this way, ``reproduce``
    included, so that a benchmark's ± and the results page's agree.

    Examples
    --------
    >>> mean_std([0.5, 0.7])
    '0.600 ± 0.100'
    """
    return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"


def source_revision(src):
    """The short commit of the source tree ``src``, or ``"unknown"``."""
    out = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() or "unknown"


class Report:
    """Tables and raw values of one benchmark run.

    Parameters
    ----------
    name : str
        File stem and key of the benchmark (``bench_gpgan``).
    title : str
        Section title on the benchmark page.
    description : str
        What was measured and how, in a few sentences (reStructuredText).
    """

    def __init__(self, name, title, description):
        self.name, self.title, self.description = name, title, description
        self.tables, self.values = [], {}

    def table(self, title, columns, rows, note=None):
        """Add (and print) a table; cells are already formatted strings."""
        rows = [[str(cell) for cell in row] for row in rows]
        self.tables.append(
            {"title": title, "columns": list(columns), "rows": rows, "note": note}
        )
        print(f"\n{title}\n\n{markdown_table(columns, rows)}", flush=True)
        if note:
            print(f"\n{note}", flush=True)

    def write(self, out):
        """Write the report with the environment and the command line to ``out``."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "benchmark": self.name,
            "title": self.title,
            "description": self.description,
            "command": " ".join(
                ["python", f"benchmarks/{self.name}.py", *sys.argv[1:]]
            ),
            "environment": describe_environment(),
            "tables": self.tables,
            "values": self.values,
        }
        out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {out}", flush=True)
