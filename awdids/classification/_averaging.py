"""Exponential moving average of a network's weights (Polyak averaging)."""

import torch

__all__ = ["WeightAverage"]

# Rows used to re-estimate batch-norm statistics for the averaged weights: the
# statistics are means over rows, so a few thousand rows pin them down and a
# pass over the whole training set would add a quarter to every epoch.
_BATCH_NORM_ROWS = 16_384


class WeightAverage:
    """Keeps an exponential moving average of ``module``'s parameters.

    Training updates the raw parameters; :meth:`update` folds them into the
    average after every optimiser step. :meth:`use_average` swaps the averaged
    values into the module (keeping the raw ones aside) and re-estimates the
    batch-norm statistics for them; :meth:`use_raw` swaps the raw values back
    before training goes on.

    Parameters
    ----------
    module : torch.nn.Module
        The network being trained; its current parameters start the average.
    decay : float
        Weight of the old average at each update, in [0, 1). Early updates
        use ``min(decay, (1 + t) / (10 + t))`` at the ``t``-th update (as
        TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``), so that
        a short training run is not dominated by the initial weights.

    Examples
    --------
    >>> import torch
    >>> from awdids.classification._averaging import WeightAverage
    >>> layer = torch.nn.Linear(1, 1, bias=False)
    >>> _ = torch.nn.init.zeros_(layer.weight)
    >>> average = WeightAverage(layer, decay=0.999)
    >>> _ = torch.nn.init.ones_(layer.weight)
    >>> average.update()  # first update: decay (1 + 1) / (10 + 1)
    >>> average.use_average(torch.zeros(4, 1), batch_size=2)
    >>> round(layer.weight.item(), 4)
    0.8182
    >>> average.use_raw()
    >>> layer.weight.item()
    1.0
    """

    def __init__(self, module, decay):
        self.module = module
        self.decay = decay
        self.average = [p.detach().clone() for p in module.parameters()]
        self.raw = None
        self.n_updates = 0

    @torch.no_grad()
    def update(self):
        """Fold the module's current parameters into the average."""
        self.n_updates += 1
        decay = min(self.decay, (1 + self.n_updates) / (10 + self.n_updates))
        params = [p.detach() for p in self.module.parameters()]
        torch._foreach_lerp_(self.average, params, 1.0 - decay)

    @torch.no_grad()
    def use_average(self, X, batch_size):
        """Load the average into the module; re-estimate batch norm on ``X``."""
        params = list(self.module.parameters())
        self.raw = [p.detach().clone() for p in params]
        torch._foreach_copy_(params, self.average)
        self._recalibrate_batch_norm(X, batch_size)

    @torch.no_grad()
    def use_raw(self):
        """Load the raw (trained) parameters back, if the average is loaded."""
        if self.raw is not None:
            torch._foreach_copy_(list(self.module.parameters()), self.raw)
            self.raw = None

    def _recalibrate_batch_norm(self, X, batch_size):
        norms = [
            m
            for m in self.module.modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
        ]
        if not norms:
            return
        was_training = self.module.training
        stride = max(1, -(-len(X) // _BATCH_NORM_ROWS))
        rows = X[::stride]
        device = next(self.module.parameters()).device
        # Everything but the batch norms in eval mode: the statistics must
        # describe the activations seen at prediction time (no weight drop).
        self.module.eval()
        for norm in norms:
            norm.reset_running_stats()
            norm.train()
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            if len(batch) > 1:  # batch norm needs two rows to train
                self.module(batch.to(device))
        self.module.train(was_training)
