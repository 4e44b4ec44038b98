"""Modes of a class: found by k-means, trained on evenly, drawn in proportion."""

import numpy as np
import torch
from sklearn.cluster import KMeans

__all__ = ["ModeBatches", "find_modes", "proportional_counts"]


def proportional_counts(n_rows, weights):
    """Split ``n_rows`` in proportion to ``weights`` (largest remainders).

    Every share is ``floor(n_rows * w)`` or one more, and the counts sum to
    ``n_rows``; ties in the remainders go to the earlier weight.

    Examples
    --------
    >>> from awdids.over_sampling._modes import proportional_counts
    >>> proportional_counts(10, [0.5, 0.3, 0.2]).tolist()
    [5, 3, 2]
    >>> proportional_counts(4, [1 / 3, 1 / 3, 1 / 3]).tolist()
    [2, 1, 1]
    """
    exact = n_rows * np.asarray(weights, dtype=np.float64)
    counts = np.floor(exact).astype(np.int64)
    short = n_rows - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def find_modes(X_class, n_modes, random_state):
    """k-means labels of a class's rows: at most ``n_modes`` modes.

    The rows are clustered as given (for NSL-KDD: Min-Max scaled and one-hot
    encoded), not in the critic's rank-encoded space, where gaps between modes
    vanish. Never more modes than distinct rows; one mode needs no clustering.
    """
    n_clusters = 1 if n_modes == 1 else min(n_modes, len(np.unique(X_class, axis=0)))
    if n_clusters == 1:
        return np.zeros(len(X_class), dtype=np.intp)
    kmeans = KMeans(n_clusters, n_init=3, random_state=random_state)
    return kmeans.fit_predict(X_class).astype(np.intp)


class ModeBatches:
    """Batches of a class's encoded rows, with the one-hot mode of each row.

    Training draws modes in proportion to ``log(1 + rows of the mode)``, as
    CTGAN's training-by-sampling draws categories, so a mode of a few rows is
    trained on often enough to be learned; rows are drawn uniformly within
    their mode. Generation uses ``real_weights``, the modes' real shares.

    Parameters
    ----------
    encoded : ndarray of shape (n_rows, n_outputs)
        The class's rows in the critic's input space.
    modes : ndarray of shape (n_rows,)
        Mode of each row, ``0 .. n_modes - 1``, every mode present.
    device : torch.device
    """

    def __init__(self, encoded, modes, device):
        order = np.argsort(modes, kind="stable")
        counts = np.bincount(modes)
        self.n_modes = len(counts)
        self.real_weights = counts / counts.sum()
        self.rows = torch.as_tensor(encoded[order], device=device)
        self.one_hot = torch.eye(self.n_modes, device=device)
        self._counts = torch.as_tensor(counts, device=device)
        self._starts = torch.as_tensor(np.r_[0, np.cumsum(counts)[:-1]], device=device)
        weights = np.log1p(counts)
        self._train_weights = torch.as_tensor(weights / weights.sum(), device=device)

    def draw(self, n_rows, generator):
        """``n_rows`` real rows and their one-hot modes, drawn with replacement."""
        modes = torch.multinomial(
            self._train_weights, n_rows, replacement=True, generator=generator
        )
        within = torch.rand(
            n_rows, generator=generator, device=self.rows.device, dtype=torch.float64
        )
        counts = self._counts[modes]
        offset = torch.minimum((within * counts).long(), counts - 1)
        return self.rows[self._starts[modes] + offset], self.one_hot[modes]
