import os
from pathlib import Path

import pytest

from awdids.datasets import SUBSETS


def _real_data_dir():
    folder = os.environ.get("AWDIDS_DATA")
    if not folder:
        return (
            None,
            "AWDIDS_DATA is not set; point it at a folder with the NSL-KDD files",
        )
    folder = Path(folder)
    missing = [
        SUBSETS[s][0]
        for s in ("train", "test")
        if not (folder / SUBSETS[s][0]).is_file()
    ]
    if missing:
        return None, f"AWDIDS_DATA={folder} lacks {missing}"
    return folder, ""


@pytest.fixture(scope="session")
def nsl_kdd_home():
    """The folder with the real NSL-KDD files; skips the test when there is none."""
    folder, reason = _real_data_dir()
    if folder is None:
        pytest.skip(f"real NSL-KDD data needed: {reason}")
    return folder
