"""How the rows of one class map to and from the generator's output space.

Columns fall into four kinds, decided from the class's own rows:

- constant: one value in the class; reproduced exactly, not modelled;
- one-hot group: a block of one-hot columns named by the caller
  (``discrete_groups``); the generator emits one logit per column that is 1 in
  some row of the class, so a category the class never shows never appears in
  its rows (a block with one observed category is constant);
- few-valued: a column with at most ``categorical_threshold`` distinct values
  in the class (always when only 0 and 1 occur); the generator emits one logit
  per observed value;
- continuous: everything else; mapped through the class's empirical
  distribution function to [-1, 1] (ties spread uniformly over their share), so
  heavy tails and point masses (the many exact zeros of traffic counters) become
  a uniform target; produced through tanh and mapped back through the inverse
  empirical distribution function, which yields values the column takes in the
  class (``snap=True``) or, with ``snap=False``, linear interpolation between
  neighbouring observed quantiles. Either way values stay in the class's range.

Logits of the two discrete kinds go through a straight-through Gumbel-softmax
while training (the critic sees exact one-hot rows, as it does for real rows, so
it cannot tell fakes by their fractions; gradients flow through the relaxation,
as in CTGAN) and are sampled (Gumbel-max) when generating.
"""

import numpy as np
import torch

__all__ = ["TabularCodec"]


def _gumbel(uniform):
    """Standard Gumbel variables from uniform ones (``uniform`` is clamped in place)."""
    return -torch.log(-torch.log(uniform.clamp_(1e-10, 1 - 1e-7)))


def _gumbel_like(logits, generator):
    uniform = torch.rand(
        logits.shape, generator=generator, device=logits.device, dtype=logits.dtype
    )
    return _gumbel(uniform)


def _straight_through(hard, soft):
    return hard - soft.detach() + soft


def _observed_categories(X, discrete_groups):
    """Each one-hot block cut to the columns that are 1 in some row of ``X``.

    Blocks left with fewer than two columns are dropped: their columns are
    constant in ``X`` and reproduced as such.
    """
    observed = []
    for group in discrete_groups:
        group = np.asarray(group, dtype=np.intp)
        shown = group[X[:, group].any(axis=0)]
        if len(shown) >= 2:
            observed.append(shown)
    return observed


class TabularCodec:
    """Encoder of real rows and decoder of generator outputs for one class.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The class's rows (float).
    discrete_groups : list of list of int
        Validated, disjoint one-hot blocks.
    snap : bool
        Return continuous values the column takes in the class.
    categorical_threshold : int
        Columns with at most this many distinct values are generated as
        categorical.
    random_state : RandomState
        Source of the tie-breaking jitter of the encoding.
    """

    def __init__(self, X, discrete_groups, snap, categorical_threshold, random_state):
        self.n_features = X.shape[1]
        self.groups = _observed_categories(X, discrete_groups)
        in_group = np.zeros(self.n_features, dtype=bool)
        for g in self.groups:
            in_group[g] = True
        free = np.flatnonzero(~in_group)
        distinct = [np.unique(X[:, j]) for j in free]
        binary = [set(v.tolist()) <= {0.0, 1.0} for v in distinct]
        self.constant = np.array(
            [j for j, v in zip(free, distinct) if len(v) == 1], dtype=np.intp
        )
        self.constant_values = X[0, self.constant] if len(X) else np.empty(0)
        few = [
            (j, v)
            for j, v, b in zip(free, distinct, binary)
            if len(v) > 1 and (b or len(v) <= categorical_threshold)
        ]
        self.few_valued = np.array([j for j, _ in few], dtype=np.intp)
        self.few_values = [v for _, v in few]
        taken = set(self.constant.tolist()) | set(self.few_valued.tolist())
        self.continuous = np.array([j for j in free if j not in taken], dtype=np.intp)
        self.sorted_values = np.sort(X[:, self.continuous], axis=0)
        self.snap = snap
        self.random_state = random_state
        self.block_sizes = [len(g) for g in self.groups] + [
            len(v) for v in self.few_values
        ]
        self.n_outputs = len(self.continuous) + sum(self.block_sizes)

    def encode(self, X):
        """Real rows -> the critic's input space (float32 array)."""
        parts = [2 * self._to_uniform(X[:, self.continuous]) - 1]
        parts += [X[:, g] for g in self.groups]
        for j, values in zip(self.few_valued, self.few_values):
            codes = np.searchsorted(values, X[:, j])
            parts.append(np.eye(len(values))[codes])
        return np.concatenate(parts, axis=1).astype(np.float32)

    def _grid(self, logits):
        """Discrete logits (rows, columns) -> (rows, block, slot), and its padding.

        Slots past a block's size hold -inf (``padding`` marks them), so that a
        softmax or an argmax over the last axis treats every block at once (a
        class of few rows has dozens of few-valued columns). The index is built
        once per device.
        """
        layout = getattr(self, "_layout", None)
        if layout is None or layout[0].device != logits.device:
            starts = np.r_[0, np.cumsum(self.block_sizes)[:-1]]
            columns = self._padded_table(
                [
                    np.arange(start, start + size)
                    for start, size in zip(starts, self.block_sizes)
                ]
            )
            padding = np.arange(columns.shape[1]) >= np.c_[self.block_sizes]
            layout = self._layout = (
                torch.as_tensor(columns, device=logits.device),
                torch.as_tensor(padding, device=logits.device),
            )
        columns, padding = layout
        return logits[:, columns].masked_fill(padding, -torch.inf), padding

    def relax(self, raw, generator, temperature=0.2):
        """Raw generator output -> differentiable rows in the critic's input space.

        A straight-through Gumbel-softmax in every block, all blocks at once.
        """
        n_cont = len(self.continuous)
        cont = torch.tanh(raw[:, :n_cont])
        if not self.block_sizes:
            return cont
        logits = raw[:, n_cont:]
        noisy = (logits + _gumbel_like(logits, generator)) / temperature
        grid, padding = self._grid(noisy)
        soft = torch.softmax(grid, dim=2)
        hard = torch.zeros_like(soft).scatter_(2, soft.argmax(2, keepdim=True), 1.0)
        relaxed = _straight_through(hard, soft).flatten(1)
        return torch.cat([cont, relaxed[:, ~padding.flatten()]], dim=1)

    def _to_uniform(self, values):
        n = len(self.sorted_values)
        uniform = np.empty_like(values, dtype=np.float64)
        jitter = self.random_state.uniform(size=values.shape)
        for k in range(values.shape[1]):
            column, ref = values[:, k], self.sorted_values[:, k]
            below = np.searchsorted(ref, column, side="left")
            upto = np.searchsorted(ref, column, side="right")
            uniform[:, k] = (below + jitter[:, k] * (upto - below)) / n
        return uniform

    def _from_uniform(self, uniform):
        n, ref = len(self.sorted_values), self.sorted_values
        if self.snap:
            index = np.clip((uniform * n).astype(np.intp), 0, n - 1)
            return np.take_along_axis(ref, index, axis=0)
        position = np.clip(uniform * n - 0.5, 0, n - 1)
        left = np.floor(position).astype(np.intp)
        right = np.minimum(left + 1, n - 1)
        weight = position - left
        low = np.take_along_axis(ref, left, axis=0)
        high = np.take_along_axis(ref, right, axis=0)
        return low + weight * (high - low)

    @staticmethod
    def _padded_table(rows_of_values):
        # Ragged per-block arrays -> one 2-D table, so one fancy index decodes
        # every block of every row.
        widest = max(len(v) for v in rows_of_values)
        table = np.zeros((len(rows_of_values), widest), dtype=rows_of_values[0].dtype)
        for k, values in enumerate(rows_of_values):
            table[k, : len(values)] = values
        return table

    def _choose(self, logits, generator):
        """Gumbel-max choice in every block: array of shape (n_rows, n_blocks).

        Draws the same random numbers, in the same order, as one
        ``_gumbel_like`` call per block, in a single call.
        """
        n_rows = logits.shape[0]
        uniform = torch.rand(
            logits.numel(),
            generator=generator,
            device=logits.device,
            dtype=logits.dtype,
        )
        per_block = _gumbel(uniform).split([n_rows * size for size in self.block_sizes])
        # Not the padded grid of relax: at a draw chunk's rows it holds rows x
        # blocks x the widest block floats, mostly padding, and drew slower;
        # block by block, every logit is touched once.
        choices = torch.empty(
            (n_rows, len(self.block_sizes)), dtype=torch.int64, device=logits.device
        )
        blocks = logits.split(self.block_sizes, dim=1)
        for k, (block, noise) in enumerate(zip(blocks, per_block)):
            choices[:, k] = (block + noise.view(n_rows, -1)).argmax(dim=1)
        return choices.cpu().numpy()

    def sample(self, raw, generator):
        """Raw generator output -> valid rows in the original feature space."""
        n_rows, n_cont = raw.shape[0], len(self.continuous)
        out = np.zeros((n_rows, self.n_features), dtype=np.float64)
        out[:, self.constant] = self.constant_values
        uniform = (torch.tanh(raw[:, :n_cont]).double().cpu().numpy() + 1) / 2
        out[:, self.continuous] = self._from_uniform(uniform)
        if not self.block_sizes:
            return out
        choices = self._choose(raw[:, n_cont:], generator)
        n_groups = len(self.groups)
        if n_groups:
            # Group columns are zero already; set the chosen one of each block.
            columns = self._padded_table(self.groups)
            out[
                np.arange(n_rows)[:, None],
                columns[np.arange(n_groups), choices[:, :n_groups]],
            ] = 1.0
        if len(self.few_valued):
            blocks = np.arange(len(self.few_valued))
            values = self._padded_table(self.few_values)
            out[:, self.few_valued] = values[blocks, choices[:, n_groups:]]
        return out
