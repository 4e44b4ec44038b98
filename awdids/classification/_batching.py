"""Mini-batches cut from whole tensors (no per-row Python work)."""

import numpy as np
import torch
from torch.utils.data import Subset

__all__ = ["TensorBatchIterator"]


def _dataset_arrays(dataset):
    indices = None
    while isinstance(dataset, Subset):
        indices = (
            np.asarray(dataset.indices)
            if indices is None
            else np.asarray(dataset.indices)[indices]
        )
        dataset = dataset.dataset
    X, y = dataset.X, dataset.y
    if indices is not None:
        X = X[indices]
        y = None if y is None else y[indices]
    return X, y


class TensorBatchIterator:
    """Iterate over a skorch Dataset in batches by slicing whole tensors.

    skorch's default ``DataLoader`` fetches and collates one row at a time; on
    tabular data that Python loop costs more than the network. This iterator
    converts the data to tensors once and yields slices (shuffled with the
    given ``torch.Generator`` when ``shuffle``).

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset of one
        The rows (and targets) to cut into batches.
    batch_size : int
        Rows a batch; the last batch may be smaller, and a last batch of a
        single row is joined to the one before it.
    shuffle : bool, default=False
        Draw a new row order for each pass.
    generator : torch.Generator, default=None
        Source of the row orders when shuffling (seeded by the classifier).

    Examples
    --------
    >>> import numpy as np
    >>> from skorch.dataset import Dataset
    >>> from awdids.classification import TensorBatchIterator
    >>> data = Dataset(np.arange(10, dtype=np.float32).reshape(5, 2), np.arange(5))
    >>> [len(X) for X, _ in TensorBatchIterator(data, batch_size=2)]
    [2, 3]
    >>> [len(X) for X, _ in TensorBatchIterator(data, batch_size=3)]
    [3, 2]
    """

    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        X, y = _dataset_arrays(dataset)
        self.X = torch.as_tensor(np.asarray(X, dtype=np.float32))
        self.y = None if y is None else torch.as_tensor(np.asarray(y, dtype=np.int64))
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def _starts(self):
        # A last batch of one row joins the one before it: batch norm cannot
        # normalise a single row in training mode.
        n = len(self.X)
        starts = list(range(0, n, self.batch_size))
        if len(starts) > 1 and n - starts[-1] == 1:
            starts.pop()
        return [*starts, n]

    def __len__(self):
        return len(self._starts()) - 1

    def __iter__(self):
        n = len(self.X)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        bounds = self._starts()
        for start, stop in zip(bounds[:-1], bounds[1:]):
            rows = slice(start, stop) if order is None else order[start:stop]
            yield self.X[rows], (None if self.y is None else self.y[rows])
