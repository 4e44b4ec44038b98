"""Where a result was measured: machine, library versions and date."""

import datetime
import os
import platform
from importlib import metadata

__all__ = ["describe_environment", "library_versions"]

_LIBRARIES = (
    "awdids",
    "torch",
    "skorch",
    "scikit-learn",
    "imbalanced-learn",
    "skops",
    "safetensors",
    "numpy",
)


def library_versions():
    """Versions of Python and the libraries awdids results depend on."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_environment():
    """A JSON-ready record of the machine, the versions and the UTC date.

    Examples
    --------
    >>> from awdids._environment import describe_environment
    >>> sorted(describe_environment())
    ['date', 'machine', 'versions']
    """
    import torch

    device = "cpu"
    if torch.cuda.is_available():
        device = torch.cuda.get_device_name(0)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "machine": {
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "accelerator": device,
            "platform": platform.platform(),
        },
        "versions": library_versions(),
    }
