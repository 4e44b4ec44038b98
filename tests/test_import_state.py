"""Importing any awdids module changes no global state."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, random, sys
    import matplotlib
    import numpy as np
    import torch

    matplotlib.use("svg")  # the user's choice, which awdids must keep
    random.seed(1); np.random.seed(2); torch.manual_seed(3)
    state = lambda: (
        matplotlib.get_backend(),
        random.getstate(),
        repr(np.random.get_state()),
        torch.random.get_rng_state().tolist(),
        torch.get_num_threads(),
        torch.get_default_dtype(),
    )
    before = state()
    import awdids
    names = [m.name for m in pkgutil.walk_packages(awdids.__path__, "awdids.")]
    for name in names:
        if name != "awdids.__main__":  # runs the command line
            importlib.import_module(name)
    assert "awdids.experiments._figures" in sys.modules
    assert "matplotlib.pyplot" not in sys.modules, "pyplot imported"
    after = state()
    for what, old, new in zip(
        ("backend", "random", "numpy", "torch", "threads", "dtype"), before, after
    ):
        assert old == new, f"importing awdids changed the {what} state"
    print(len(names), "modules")
    """
)


def test_importing_every_module_keeps_backend_and_random_states():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=None
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[0]) > 30


LAZY_SCRIPT = textwrap.dedent(
    """
    import sys
    import awdids
    heavy = sorted({"torch", "skorch", "sklearn", "imblearn"} & set(sys.modules))
    assert not heavy, f"import awdids loaded {heavy}"
    from awdids.cli import main
    try:
        main(["--help"])
    except SystemExit:
        pass
    heavy = sorted({"torch", "skorch", "sklearn", "imblearn"} & set(sys.modules))
    assert not heavy, f"awdids --help loaded {heavy}"
    from awdids import AWDConvLSTMClassifier, save_model
    assert awdids.OpenSetClassifier.__name__ == "OpenSetClassifier"
    assert "torch" in sys.modules
    assert sorted(awdids.__all__) == sorted(
        n for n in awdids.__all__ if n == "__version__" or hasattr(awdids, n)
    )
    """
)


def test_import_and_help_load_no_torch_until_an_estimator_is_named():
    result = subprocess.run(
        [sys.executable, "-c", LAZY_SCRIPT], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_an_unknown_attribute_is_an_attribute_error():
    import pytest

    import awdids

    with pytest.raises(AttributeError, match="no attribute 'NoSuchEstimator'"):
        awdids.NoSuchEstimator  # noqa: B018
