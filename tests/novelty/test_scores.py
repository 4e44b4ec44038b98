"""awdids.novelty._scores: the novelty scores' arithmetic."""

import numpy as np
import pytest

from awdids.novelty._scores import _nearest, _search_columns


def _brute(reference, features, k):
    distances = np.linalg.norm(features[:, None, :] - reference[None, :, :], axis=2)
    return np.sort(distances, axis=1)[:, :k]


# all six constant: every distance is the shift alone, so all are searched
@pytest.mark.parametrize("constant_columns, searched", [(0, 6), (3, 3), (6, 6)])
def test_nearest_distances_are_exact_with_columns_constant_over_the_reference(
    constant_columns, searched
):
    rng = np.random.default_rng(0)
    reference = rng.random((300, 6))
    reference[:, :constant_columns] = 0.5  # one-hot columns no normal row uses
    features = rng.random((40, 6))  # rows that differ in those columns too
    search = _search_columns(reference)
    assert search.rows.shape == (300, searched)
    assert np.allclose(_nearest(search, features, 5), _brute(reference, features, 5))
