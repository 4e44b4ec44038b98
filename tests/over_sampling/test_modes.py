import numpy as np
import pytest
import torch

from awdids.over_sampling._modes import ModeBatches, find_modes, proportional_counts


def test_training_draws_modes_by_log_frequency_and_rows_within_their_mode():
    modes = np.r_[np.zeros(90, dtype=np.intp), np.ones(10, dtype=np.intp)]
    encoded = (modes[:, None] * 10 + np.arange(100)[:, None] / 1e3).astype(np.float32)
    batches = ModeBatches(encoded, modes, torch.device("cpu"))
    rows, one_hot = batches.draw(20_000, torch.Generator().manual_seed(0))
    drawn_mode = one_hot.argmax(1)
    expected = np.log(11) / (np.log(91) + np.log(11))
    assert drawn_mode.float().mean().item() == pytest.approx(expected, abs=0.01)
    torch.testing.assert_close(rows[:, 0] // 10, drawn_mode.float())
    assert len(torch.unique(rows[drawn_mode == 1, 0])) == 10  # every row drawn
    np.testing.assert_allclose(batches.real_weights, [0.9, 0.1])


def test_separated_clusters_are_found_and_never_more_modes_than_rows():
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(0, 0.01, (30, 2)), rng.normal(1, 0.01, (10, 2))]
    modes = find_modes(X, 2, 0)
    assert len(set(modes[:30])) == 1 and len(set(modes[30:])) == 1
    assert modes[0] != modes[-1]
    assert set(find_modes(X[[0, 0, 30, 30]], 10, 0)) == {0, 1}
    assert set(find_modes(X, 1, 0)) == {0}


@pytest.mark.parametrize("n_rows", [0, 1, 7, 10_000])
def test_proportional_counts_sum_to_the_rows_asked_for(n_rows):
    weights = [0.894, 0.053, 0.02, 0.011, 0.008, 0.007, 0.004, 0.003]
    counts = proportional_counts(n_rows, weights)
    assert counts.sum() == n_rows
    assert np.all(np.abs(counts - n_rows * np.array(weights)) < 1)
