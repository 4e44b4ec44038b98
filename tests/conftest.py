import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from awdids.datasets import CATEGORY_VOCABULARY, FEATURE_NAMES, SUBSETS


def _datasets_dir():
    """AWDIDS_DATA: the folder of every dataset's subfolder (or NSL-KDD's own)."""
    folder = os.environ.get("AWDIDS_DATA")
    if not folder:
        return None, "AWDIDS_DATA is not set; point it at the datasets' folder"
    folder = Path(folder)
    # an AWDIDS_DATA that names the nsl-kdd folder itself, as it once had to
    return (folder.parent if folder.name == "nsl-kdd" else folder), ""


def _real_data_dir():
    folder, reason = _datasets_dir()
    if folder is None:
        return None, reason
    folder = folder / "nsl-kdd"
    missing = [
        SUBSETS[s][0]
        for s in ("train", "test")
        if not (folder / SUBSETS[s][0]).is_file()
    ]
    if missing:
        return None, f"{folder} lacks {missing}"
    return folder, ""


@pytest.fixture(scope="session")
def nsl_kdd_home():
    """The folder with the real NSL-KDD files; skips the test when there is none."""
    folder, reason = _real_data_dir()
    if folder is None:
        pytest.skip(f"real NSL-KDD data needed: {reason}")
    return folder


@pytest.fixture(scope="session")
def datasets_home():
    """The folder that holds kddcup99/ and unsw-nb15/; skips without it."""
    folder, reason = _datasets_dir()
    if folder is None or not (folder / "unsw-nb15").is_dir():
        pytest.skip(f"real KDD Cup 99 and UNSW-NB15 data needed: {reason}")
    return folder


CLASS_SIZES = {"normal": 120, "dos": 80, "probe": 40, "r2l": 20, "u2r": 8}


def nsl_kdd_like(seed=0, sizes=CLASS_SIZES):
    """Records with the 41 NSL-KDD columns whose class shifts a few features."""
    rng = np.random.RandomState(seed)
    frames, labels = [], []
    for k, (label, n) in enumerate(sizes.items()):
        frame = pd.DataFrame(
            rng.exponential(1.0 + k, size=(n, len(FEATURE_NAMES))),
            columns=list(FEATURE_NAMES),
        )
        frame["count"] += 5 * k
        frame["serror_rate"] = rng.rand(n) < 0.2 * k
        for j, (column, vocabulary) in enumerate(CATEGORY_VOCABULARY.items()):
            choices = vocabulary[(k + j) % 3 : (k + j) % 3 + 2]
            frame[column] = rng.choice(choices, size=n)
        frames.append(frame)
        labels += [label] * n
    return pd.concat(frames, ignore_index=True), np.array(labels)


@pytest.fixture
def nsl_kdd_like_data():
    """(X, y): 268 NSL-KDD-shaped records over the 5 classes, minority ones small."""
    return nsl_kdd_like()


#: A pipeline small enough to fit in a second: tiny GAN, PCA and network.
TINY_PIPELINE = dict(
    oversample__sampling_strategy={"u2r": 30, "r2l": 40},
    oversample__noise_dim=8,
    oversample__generator_hidden=(16,),
    oversample__critic_hidden=(16,),
    oversample__epochs=1,
    oversample__steps_per_epoch=2,
    pca__n_components=8,
    clf__hidden_channels=2,
    clf__num_layers=1,
    clf__head_hidden=(8, 8),
    clf__max_epochs=2,
    clf__validation_fraction=None,
)


@pytest.fixture
def tiny_pipeline_params():
    """Parameters of make_awdids_pipeline for fast tests (a fresh copy)."""
    return dict(TINY_PIPELINE)
