"""awdids.novelty._scores: the novelty scores' arithmetic."""

import numpy as np
import pytest

from awdids.novelty._scores import _nearest


def _brute(reference, features, k):
    distances = np.linalg.norm(features[:, None, :] - reference[None, :, :], axis=2)
    return np.sort(distances, axis=1)[:, :k]


@pytest.mark.parametrize("constant_columns", [0, 3, 6])
def test_nearest_distances_are_exact_with_columns_constant_over_the_reference(
    constant_columns,
):
    rng = np.random.default_rng(0)
    reference = rng.random((300, 6))
    reference[:, :constant_columns] = 0.5  # one-hot columns no normal row uses
    features = rng.random((40, 6))  # rows that differ in those columns too
    assert np.allclose(_nearest(reference, features, 5), _brute(reference, features, 5))
