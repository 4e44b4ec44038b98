"""The paper's AWD-CNN-LSTM as a skorch classifier.

The classifier uses skorch's public extension points: ``initialize_module`` and
``initialize_criterion`` (seeded initialisation, ``module__*``, class weights),
``get_split_datasets`` (the default ``train_split`` comes from
``validation_fraction``), ``get_iterator`` (whole-tensor batches with seeded
shuffling, ``iterator_train__*`` and ``iterator_valid__*``), callbacks (batch-norm
reset, early stopping, weight averaging) and ``infer``/``get_loss`` (autocast; the
resolved device; the inputs are standardised there, with statistics that
``get_split_datasets`` takes from the training part of the split). It
overrides these other skorch methods, each for one reason:

- ``check_data``: labels are encoded in ``fit``; skorch's check would re-infer them.
- ``forward_iter``: skorch's scoring callbacks pass ``net.device`` as the output
  device, which may be ``"auto"``; it is mapped to the resolved device.
- ``classes_``: skorch returns the ``classes`` parameter as given; the network's
  outputs are codes of the sorted labels.
- ``train_step_single`` and ``train_step``: float16 training on CUDA needs a
  gradient scaler around the backward and the optimiser step, for which skorch
  has no hook.
- ``_initialize_module`` and ``_initialize_criterion`` (private): skorch moves
  the module and the criterion to ``self.device`` there; with ``"auto"`` it is
  handed the resolved device for that call only.
- ``load_params``: the same, for skorch's ``map_location``.
- ``__getstate__`` and ``__setstate__``: torch generators are not picklable,
  and ``"auto"`` must survive unpickling.
"""

import contextlib
import inspect
import math
import numbers

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import (
    EpochScoring,
    EpochTimer,
    LRScheduler,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator, to_tensor

from .._device import resolve_device
from .._validation import is_int
from ..nn import AWDConvLSTMNet
from ..nn._init import build_module, make_generator
from ._batching import TensorBatchIterator, _dataset_arrays
from ._callbacks import (
    EarlyStoppingWhenValidated,
    EpochBatchNormStats,
    FiniteLoss,
    WeightAveraging,
)
from ._shape import check_input_shape, check_shape_values
from ._split import StratifiedValidSplit

__all__ = ["AWDConvLSTMClassifier"]

_PREDICT_BATCH = 4096


def _discard(*args, **kwargs):
    """A message sink that drops messages (picklable, unlike a lambda)."""


def _valid_accuracy(net, X, y):
    # Scores the cached validation outputs against the encoded labels. The
    # output device is given, as the cache would otherwise move the outputs to
    # ``net.device``, which may be "auto".
    logits = torch.cat(list(net.forward_iter(X, training=False, device="cpu")))
    proba = torch.softmax(logits, dim=-1).numpy()
    return float(np.mean(proba.argmax(axis=1) == np.asarray(y)))


def _accepted_parameters(factory):
    """Names ``factory`` accepts as keywords, or None when it takes ``**kwargs``."""
    parameters = inspect.signature(factory).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters}


def _check_iterator_params(prefix, iterator, net):
    accepted = _accepted_parameters(iterator)
    if accepted is None:
        return
    for name in net.get_params_for(prefix):
        if name not in accepted:
            raise ValueError(
                f"{prefix}__{name} is not a parameter of {iterator.__name__} "
                f"(it takes {sorted(accepted - {'dataset', 'self'})}); pass "
                f"{prefix}=torch.utils.data.DataLoader for DataLoader's."
            )


class AWDConvLSTMClassifier(NeuralNetClassifier):
    """AWD-CNN-LSTM: weight-dropped ConvLSTM layers and three dense layers.

    A skorch :class:`~skorch.NeuralNetClassifier` usable wherever a
    scikit-learn classifier is: string or integer labels, float64 or pandas
    input, ``clone``, ``GridSearchCV`` and pickling. Each row of ``n`` features
    is viewed as ``T`` frames of shape ``(C, H, W)`` (``input_shape``), run
    through ``num_layers`` ConvLSTM layers whose hidden-to-hidden kernels get
    DropConnect (:class:`awdids.nn.AWDConvLSTMCell`), flattened and classified
    by Linear-BN-ReLU, Linear-BN-ReLU, Linear with cross-entropy loss and Adam.

    Parameters
    ----------
    module : torch.nn.Module class, default=AWDConvLSTMNet
        The network class, called with ``input_shape``, ``n_classes`` and the
        architecture parameters below, plus any ``module__*`` parameters (a
        ``module__*`` that repeats an architecture parameter is refused). Keep
        the default unless you replace the architecture with one that takes the
        same arguments.
    input_shape : tuple of 4 int, default=None
        ``(T, C, H, W)``; its product must equal the number of features.
        ``None`` derives one (:func:`default_input_shape`: 80 features give
        ``(5, 4, 2, 2)``).
    hidden_channels : int, default=16
        Channels of every ConvLSTM hidden state.
    kernel_size : int, default=3
        Odd size of the convolution kernels.
    num_layers : int, default=4
        Stacked ConvLSTM layers.
    weight_drop : float, default=0.2
        Drop probability of each hidden-to-hidden kernel weight while training,
        in [0, 1). ``0`` gives the plain CNN-LSTM of the paper's Table 6.
    head_hidden : tuple of 2 int, default=(128, 64)
        Widths of the two hidden fully connected layers.
    classes : array-like or None, default=None
        Every class the classifier will see (skorch's parameter): a stream fed
        to :meth:`partial_fit` can declare classes its first batch lacks.
        ``None`` takes them from ``y`` of the first fit. ``classes_`` is their
        sorted list either way.
    class_weight : None, "balanced" or dict, default=None
        Weights of the classes in the loss (as in scikit-learn); a dict maps
        original labels to weights, missing labels weigh 1.
    validation_fraction : float or None, default=0.1
        Share of the training rows held out to monitor ``valid_loss`` and
        ``valid_acc``, by a :class:`StratifiedValidSplit` seeded from
        ``random_state`` (it warns and trains on all rows when a class is too
        small to split). ``None`` trains on all rows, or on ``train_split``'s.
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
        Loss on the logits (``class_weight`` becomes its ``weight``).
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimiser (``optimizer__*`` for its parameters).
    lr : float, default=1e-3
        Adam's initial learning rate. The default callback ``"lr_scheduler"``
        (skorch's :class:`~skorch.callbacks.LRScheduler` with
        ``CosineAnnealingLR(T_max=max_epochs)``) lowers it along a cosine to 0
        at ``max_epochs``; each ``fit`` or ``partial_fit`` call runs one such
        cycle. ``callbacks__lr_scheduler=None`` keeps it constant.
    ema_decay : float or None, default=None
        Polyak averaging: with a decay such as 0.999, an exponential moving
        average of the weights (this decay per training step) is what
        validation, early stopping and prediction use, its batch-norm
        statistics re-estimated on up to 16,384 training rows after each epoch.
        ``None`` uses the raw weights. Averaging lowers the validation loss but
        was not reliably better on attack types held out of training, and it
        lengthens training, so it is off by default.
    max_epochs : int, default=6
        Maximum passes over the training rows. Six, under the cosine
        schedule, were chosen on the ``NovelAttackKFold`` folds of KDDTrain+
        for the macro F1 on attack types held out of training per second of
        fit (the benchmark page's time-to-accuracy section compares them with
        the previous twenty).
    batch_size : int, default=512
        Rows per training step.
    train_split : callable or None, default=None
        skorch's ``train_split(dataset, y)``: it receives the standardised
        rows and label codes of ``fit`` and returns the training and
        validation datasets (skorch's ``ValidSplit``, a
        :class:`StratifiedValidSplit`, ...). ``None`` uses
        ``validation_fraction``; giving both is refused.
    iterator_train, iterator_valid : class, default=TensorBatchIterator
        Batch iterators (skorch's parameters). The default cuts batches from
        whole tensors; it takes ``iterator_train__shuffle`` (default ``True``,
        seeded from ``random_state``) and ``iterator_*__batch_size``.
        ``torch.utils.data.DataLoader`` takes all of its own parameters.
        Validation and prediction batches default to
        ``max(batch_size, 4096)`` rows.
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"`` (CUDA when
        available, else the CPU).
    mixed_precision : bool, default=False
        Run the network under ``torch.autocast``: float16 with a gradient
        scaler on CUDA, bfloat16 on the CPU. Weights, inputs and the returned
        probabilities stay float32. Meant for GPUs with tensor cores: under
        autocast the ConvLSTM time loop runs with autograd instead of its
        hand-written backward, so on a CPU it trains slower than float32.
    random_state : int, RandomState instance or None, default=None
        Seed of initialisation, shuffling, the validation split and the weight
        drop masks; the same seed gives the same predictions on the CPU.
    warm_start : bool, default=False
        ``fit`` on a fitted classifier trains on from its weights (as
        ``partial_fit``) instead of starting afresh.
    verbose : int, default=0
        ``1`` prints skorch's epoch table and a progress bar.
    **kwargs
        Other skorch parameters (``callbacks``, ``optimizer__weight_decay``,
        ``module__*``, ``iterator_train__*``, ...). With a validation split,
        early stopping is the default callback ``"early_stopping"`` (skorch's
        :class:`~skorch.callbacks.EarlyStopping` watching ``valid_loss``,
        ``patience=4``, restoring the best epoch's weights): set
        ``callbacks__early_stopping__patience=10`` to wait longer, or
        ``callbacks__early_stopping=None`` to turn it off. The learning-rate
        schedule is the default callback ``"lr_scheduler"`` (see ``lr``).

    Attributes
    ----------
    classes_ : ndarray
        The original class labels.
    n_features_in_ : int
        Number of features seen in ``fit``.
    input_shape_ : tuple of int
        The ``(T, C, H, W)`` used.
    feature_mean_, feature_scale_ : ndarray of shape (n_features,)
        Inputs are standardised with these statistics before the network (PCA
        outputs differ in scale by orders of magnitude). They are computed on
        the training part of the first fit's split, never on its validation
        rows.
    module_ : AWDConvLSTMNet
        The trained network.
    history_ : skorch.History
        Per-epoch losses, accuracies and durations.
    device_ : torch.device
        The device the network runs on (``device`` resolved).
    classes_inferred_ : ndarray
        The sorted labels (of ``classes``, or else of ``y``), of which the
        network's outputs are codes.
    feature_names_in_ : ndarray of str
        Column names of ``X`` in ``fit``, when it had string column names.
    criterion_, optimizer_ : torch objects
        The loss (with the class weights) and the optimiser, as skorch builds
        them.
    callbacks_ : list of (str, Callback)
        The callbacks in use: the defaults (``early_stopping``, ...) and
        ``callbacks``.
    initialized_ : bool
        Whether skorch has built the module, criterion and optimiser. skorch's
        other bookkeeping (``prefixes_``, ``virtual_params_``, ...) is as in
        :class:`skorch.NeuralNet`.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids import AWDConvLSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.rand(200, 8)
    >>> y = np.where(X[:, 0] > 0.5, "attack", "normal")
    >>> clf = AWDConvLSTMClassifier(hidden_channels=4, num_layers=1, max_epochs=3,
    ...                             validation_fraction=None, random_state=0)
    >>> clf.fit(X, y).input_shape_
    (2, 1, 2, 2)
    >>> clf.predict(X[:2]).shape, clf.predict_proba(X[:2]).shape
    ((2,), (2, 2))
    >>> set(clf.predict(X)) <= {"attack", "normal"}
    True
    """

    _parameter_constraints = {
        "input_shape": [tuple, list, None],
        "hidden_channels": [Interval(numbers.Integral, 1, None, closed="left")],
        "kernel_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "num_layers": [Interval(numbers.Integral, 1, None, closed="left")],
        "weight_drop": [Interval(numbers.Real, 0, 1, closed="left")],
        "head_hidden": [tuple, list],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "train_split": [callable, None],
        "classes": ["array-like", None],
        "warm_start": ["boolean"],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "ema_decay": [Interval(numbers.Real, 0, 1, closed="left"), None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "device": [str],
        "mixed_precision": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        module=AWDConvLSTMNet,
        *,
        input_shape=None,
        hidden_channels=16,
        kernel_size=3,
        num_layers=4,
        weight_drop=0.2,
        head_hidden=(128, 64),
        classes=None,
        class_weight=None,
        validation_fraction=0.1,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        ema_decay=None,
        max_epochs=6,
        batch_size=512,
        train_split=None,
        iterator_train=TensorBatchIterator,
        iterator_valid=TensorBatchIterator,
        device="cpu",
        mixed_precision=False,
        random_state=None,
        warm_start=False,
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            device=device,
            warm_start=warm_start,
            verbose=verbose,
            classes=classes,
            **kwargs,
        )
        self.input_shape = input_shape
        self.hidden_channels = hidden_channels
        self.kernel_size = kernel_size
        self.num_layers = num_layers
        self.weight_drop = weight_drop
        self.head_hidden = head_hidden
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.ema_decay = ema_decay
        self.mixed_precision = mixed_precision
        self.random_state = random_state

    # ---- scikit-learn facing API -------------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.input_tags.sparse = False
        return tags

    def _check_params(self):
        params = {k: getattr(self, k) for k in self._parameter_constraints}
        validate_parameter_constraints(
            self._parameter_constraints, params, caller_name=type(self).__name__
        )
        if self.kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {self.kernel_size}.")
        if len(self.head_hidden) != 2 or not all(
            is_int(width) and width >= 1 for width in self.head_hidden
        ):
            raise ValueError(
                f"head_hidden must be two positive ints, got {self.head_hidden!r}."
            )
        if self.input_shape is not None:
            check_shape_values(self.input_shape)
        self._check_class_weight()
        if self.train_split is not None and self.validation_fraction is not None:
            raise ValueError(
                f"train_split={self.train_split!r} and validation_fraction="
                f"{self.validation_fraction} both choose the validation rows; "
                "set validation_fraction=None to use train_split."
            )
        if "weight" in self.get_params_for("criterion") and self.class_weight:
            raise ValueError(
                "criterion__weight and class_weight both weigh the classes; set one."
            )
        for prefix in ("iterator_train", "iterator_valid"):
            _check_iterator_params(prefix, getattr(self, prefix), self)

    @property
    def classes_(self):
        # skorch returns ``classes`` as given; codes index the sorted labels.
        try:
            return self.classes_inferred_
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'classes_' before fit."
            ) from None

    def _declared_classes(self, classes):
        """The sorted classes of ``classes`` or of the ``classes`` parameter."""
        if classes is not None and self.classes is not None:
            if not np.array_equal(np.unique(classes), np.unique(self.classes)):
                raise ValueError(
                    f"partial_fit(classes={list(classes)!r}) differs from the "
                    f"classes parameter {list(self.classes)!r}."
                )
        declared = classes if classes is not None else self.classes
        if declared is None:
            return None
        labels = np.unique(column_or_1d(np.asarray(declared)))
        if len(labels) != len(declared):
            raise ValueError(f"classes={list(declared)!r} repeats a label.")
        return labels

    def _check_class_weight(self):
        if not isinstance(self.class_weight, dict):
            return
        bad = {
            label: weight
            for label, weight in self.class_weight.items()
            if not (
                isinstance(weight, numbers.Real)
                and not isinstance(weight, bool)
                and math.isfinite(weight)
                and weight >= 0
            )
        }
        if bad:
            raise ValueError(
                f"class_weight must map labels to finite non-negative numbers; got "
                f"{bad!r}."
            )

    def _encode_targets(self, y, classes=None):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        labels = self._declared_classes(classes)
        if labels is None:
            labels = LabelEncoder().fit(y).classes_
        else:
            unknown = np.setdiff1d(y, labels)
            if len(unknown):
                raise ValueError(
                    f"y holds labels {unknown.tolist()[:10]} outside "
                    f"classes={labels.tolist()}."
                )
        if len(labels) < 2:
            raise ValueError(
                f"y holds one class only ({labels[0]!r}); a classifier "
                "needs at least 2."
            )
        return labels, np.searchsorted(labels, y)

    def _class_weight_tensor(self, y_codes):
        if self.class_weight is None:
            return None
        n_classes = len(self.classes_inferred_)
        if self.class_weight == "balanced":
            counts = np.bincount(y_codes, minlength=n_classes)
            weights = len(y_codes) / (n_classes * np.maximum(counts, 1))
        else:
            unknown = set(self.class_weight) - set(self.classes_inferred_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight names labels {sorted(map(str, unknown))} "
                    f"absent from y (classes: {self.classes_inferred_.tolist()})."
                )
            weights = [self.class_weight.get(c, 1.0) for c in self.classes_inferred_]
        return torch.as_tensor(np.asarray(weights, dtype=np.float32))

    def _setup_first_fit(self, X, y, classes=None):
        self._check_params()
        X = validate_data(self, X, reset=True, dtype=np.float32)
        classes, y_codes = self._encode_targets(y, classes)
        self.classes_inferred_ = classes
        self.input_shape_ = check_input_shape(self.input_shape, X.shape[1])
        self.device_ = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        self._init_rng_ = make_generator(rng)
        self._train_rng_ = make_generator(rng, self.device_)
        self._split_seed_ = int(rng.randint(0, 2**31 - 1))
        self._shuffle_rng_ = self._make_shuffle_rng(rng)
        self._loss_weight_ = self._class_weight_tensor(y_codes)
        # set by get_split_datasets from the training part of the split
        self.feature_mean_ = self.feature_scale_ = None
        return X, y_codes

    def _fit_standardizer(self, X_train):
        X_train = np.asarray(X_train, dtype=np.float32)
        self.feature_mean_ = X_train.mean(axis=0)
        std = X_train.std(axis=0)
        self.feature_scale_ = np.where(std > 0, std, 1.0).astype(np.float32)

    def _standardize(self, x):
        # Every forward pass (training, validation, prediction) goes through
        # this. PCA components have very different scales (the last ones are
        # tiny); unit-variance inputs keep the recurrent activations, and with
        # them the batch-norm statistics of the head, in a range where
        # eval-mode running statistics match training-mode batch statistics.
        cached = getattr(self, "_scaling_", None)
        if (
            cached is None
            or cached[0] is not self.feature_mean_
            or cached[1] != x.device
        ):
            # once per fit and device, not per batch (a copy to the GPU each time)
            mean = torch.as_tensor(self.feature_mean_, device=x.device)
            scale = torch.as_tensor(self.feature_scale_, device=x.device)
            cached = self._scaling_ = (self.feature_mean_, x.device, mean, scale)
        return (x - cached[2]) / cached[3]

    @contextlib.contextmanager
    def _on_resolved_device(self):
        # skorch moves the module and the criterion, and maps loaded
        # parameters, to ``self.device``; "auto" must reach those few calls
        # resolved. Batches, targets and outputs use ``device_`` instead, so
        # get_params keeps what the user set throughout fit and predict.
        requested = self.device
        resolved = getattr(self, "device_", None) or resolve_device(requested)
        self.device = str(resolved)
        try:
            yield
        finally:
            self.device = requested

    def _autocast(self):
        if not self.mixed_precision:
            return contextlib.nullcontext()
        kind = torch.device(self.device_).type
        dtype = torch.float16 if kind == "cuda" else torch.bfloat16
        return torch.autocast(device_type=kind, dtype=dtype)

    def _grad_scaler(self):
        # float16 gradients underflow without loss scaling; bfloat16's do not.
        if not self.mixed_precision or torch.device(self.device_).type != "cuda":
            return None
        if getattr(self, "_grad_scaler_", None) is None:
            self._grad_scaler_ = torch.amp.GradScaler("cuda")
        return self._grad_scaler_

    def _make_shuffle_rng(self, rng):
        # Batches are shuffled on the CPU (the data stays there until skorch
        # moves each batch), and torch.randperm needs a CPU generator; on the CPU
        # the weight-drop generator serves both.
        if self.device_.type == "cpu":
            return self._train_rng_
        return make_generator(rng)

    def fit(self, X, y, **fit_params):
        """Train from scratch on ``X`` (n_samples, n_features) and labels ``y``.

        With ``warm_start=True`` a fitted classifier trains on instead, as
        :meth:`partial_fit` does.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Any labels (strings, ints).
        **fit_params : dict
            Passed on to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self
        """
        if self.warm_start and self._is_trained():
            return self.partial_fit(X, y, **fit_params)
        return self._fit_from_scratch(X, y, **fit_params)

    def _is_trained(self):
        return getattr(self, "initialized_", False) and hasattr(
            self, "classes_inferred_"
        )

    def _fit_from_scratch(self, X, y, classes=None, **fit_params):
        X, y_codes = self._setup_first_fit(X, y, classes)
        self.initialize()
        return super().partial_fit(X, y_codes, **fit_params)

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train further on ``X, y`` (from scratch when not fitted yet).

        Training goes on from the weights the model predicts with (the
        average, with ``ema_decay``), and a new average starts from them.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training rows, with the features of the first fit.
        y : array-like of shape (n_samples,)
            Labels, all among ``classes_`` of the first fit.
        classes : array-like or None, default=None
            On the first call, every class the stream will bring (as the
            ``classes`` parameter), so later batches may hold classes this one
            lacks; later calls may repeat it, but not change it.
        **fit_params : dict
            Passed on to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self
        """
        if not self._is_trained():
            return self._fit_from_scratch(X, y, classes, **fit_params)
        self._check_params()
        if classes is not None and not np.array_equal(
            np.unique(classes), self.classes_inferred_
        ):
            raise ValueError(
                f"partial_fit(classes={list(classes)!r}) differs from the classes "
                f"of the first call {self.classes_inferred_.tolist()}."
            )
        X = validate_data(self, X, reset=False, dtype=np.float32)
        y = column_or_1d(y, warn=True)
        unknown = np.setdiff1d(y, self.classes_inferred_)
        if len(unknown):
            raise ValueError(
                f"y holds labels {unknown.tolist()} unseen in the first fit "
                f"(classes: {self.classes_inferred_.tolist()})."
            )
        if not hasattr(self, "_train_rng_"):  # after unpickling or load_model
            rng = check_random_state(self.random_state)
            self._train_rng_ = make_generator(rng, self.device_)
            self._shuffle_rng_ = self._make_shuffle_rng(rng)
            split_seed = int(rng.randint(0, 2**31 - 1))
            self._split_seed_ = getattr(self, "_split_seed_", split_seed)
            self.module_.recurrent.set_rng(self._train_rng_)
        y_codes = np.searchsorted(self.classes_inferred_, y)
        return super().partial_fit(X, y_codes, **fit_params)

    def _validate_predict_input(self, X):
        check_is_fitted(self, ["classes_inferred_", "module_"])
        return validate_data(self, X, reset=False, dtype=np.float32)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), rows summing to 1."""
        return super().predict_proba(self._validate_predict_input(X))

    def decision_function(self, X):
        """The network's logits, shape (n_samples, n_classes).

        ``predict_proba`` is their softmax; the energy novelty score of
        :class:`~awdids.novelty.OpenSetClassifier` reads them. With two
        classes, as in scikit-learn, a 1-D array: the second class's logit
        minus the first's (positive where ``predict`` gives ``classes_[1]``).
        """
        X = self._validate_predict_input(X)
        logits = self.forward_iter(X, training=False, device="cpu")
        logits = torch.cat(list(logits)).numpy()
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict(self, X):
        """Predicted labels, in the label type of ``y``."""
        codes = self.predict_proba(X).argmax(axis=1)
        return self.classes_[codes]

    # ---- skorch hooks ------------------------------------------------------------

    def check_data(self, X, y):
        # Labels were encoded in fit; classes_inferred_ keeps the originals.
        pass

    def _is_verbose(self):
        return isinstance(self.verbose, numbers.Real) and self.verbose > 0

    @property
    def _default_callbacks(self):
        # Scoring and early stopping stand aside in a fit without validation
        # rows, so the callbacks (and callbacks__* parameters) are the same
        # whatever the split.
        callbacks = [
            ("epoch_batch_norm_stats", EpochBatchNormStats()),
            ("finite_loss", FiniteLoss()),
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            (
                "valid_acc",
                EpochScoring(_valid_accuracy, name="valid_acc", lower_is_better=False),
            ),
        ]
        # get_params() reads this property, so it must not fail on odd values.
        if isinstance(self.ema_decay, numbers.Real):
            averaging = WeightAveraging(
                self.ema_decay, max(self.batch_size, _PREDICT_BATCH)
            )
            callbacks.insert(1, ("weight_averaging", averaging))
        stopping = EarlyStoppingWhenValidated(
            monitor="valid_loss",
            patience=4,
            load_best=True,
            sink=print if self._is_verbose() else _discard,
        )
        callbacks.append(("early_stopping", stopping))
        if isinstance(self.max_epochs, numbers.Integral):
            schedule = LRScheduler(
                policy=torch.optim.lr_scheduler.CosineAnnealingLR,
                T_max=int(self.max_epochs),
            )
            callbacks.append(("lr_scheduler", schedule))
        callbacks.append(("print_log", PrintLog()))
        if self._is_verbose():
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    def initialize_module(self):
        architecture = dict(
            input_shape=self.input_shape_,
            n_classes=len(self.classes_inferred_),
            hidden_channels=self.hidden_channels,
            num_layers=self.num_layers,
            kernel_size=self.kernel_size,
            weight_drop=self.weight_drop,
            head_hidden=tuple(self.head_hidden),
        )
        extra = self.get_params_for("module")
        repeated = sorted(set(extra) & set(architecture))
        if repeated:
            raise ValueError(
                f"module__{repeated[0]} repeats the classifier's own parameter; "
                f"set {repeated[0]} instead."
            )
        accepted = _accepted_parameters(self.module)
        unknown = [] if accepted is None else sorted(set(extra) - accepted)
        if unknown:
            raise ValueError(
                f"module__{unknown[0]} is not a parameter of {self.module.__name__}."
            )
        self.module_ = build_module(
            lambda: self.module(**architecture, **extra), self._init_rng_, self.device_
        )
        self.module_.recurrent.set_rng(getattr(self, "_train_rng_", None))
        return self

    # skorch moves the module and the criterion to ``self.device`` in these two,
    # on first initialisation and when set_params re-initialises them.
    def _initialize_module(self, *args, **kwargs):
        with self._on_resolved_device():
            return super()._initialize_module(*args, **kwargs)

    def _initialize_criterion(self, *args, **kwargs):
        with self._on_resolved_device():
            return super()._initialize_criterion(*args, **kwargs)

    def initialize_criterion(self):
        super().initialize_criterion()
        if getattr(self, "_loss_weight_", None) is not None:
            self.criterion_.weight = self._loss_weight_.to(self.device_)
        return self

    def get_split_datasets(self, X, y=None, **fit_params):
        # skorch's own, with the validation_fraction split as the default
        dataset = self.get_dataset(X, y)
        split = self.train_split
        if split is None and self.validation_fraction is not None:
            split = StratifiedValidSplit(
                float(self.validation_fraction), random_state=self._split_seed_
            )
        train, valid = (
            (dataset, None) if split is None else split(dataset, y, **fit_params)
        )
        if getattr(self, "feature_mean_", None) is None:  # first fit: its training rows
            self._fit_standardizer(_dataset_arrays(train)[0])
        return train, valid

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        default_batch = (
            self.batch_size if training else max(self.batch_size, _PREDICT_BATCH)
        )
        kwargs.setdefault("batch_size", default_batch)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        accepted = _accepted_parameters(iterator)
        if training and (accepted is None or "shuffle" in accepted):
            kwargs.setdefault("shuffle", True)
            if kwargs["shuffle"] and (accepted is None or "generator" in accepted):
                kwargs.setdefault("generator", self._shuffle_rng_)
        return iterator(dataset, **kwargs)

    def infer(self, x, **fit_params):
        x = self._standardize(to_tensor(x, device=self.device_))
        with self._autocast():
            logits = self.module_(x, **fit_params)
        return logits.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        return self.criterion_(y_pred, to_tensor(y_true, device=self.device_))

    def forward_iter(self, X, training=False, device="cpu"):
        # skorch's scoring callbacks pass net.device, which may be "auto"
        if device == "auto":
            device = self.device_
        yield from super().forward_iter(X, training=training, device=device)

    def load_params(self, *args, **kwargs):
        with self._on_resolved_device():
            super().load_params(*args, **kwargs)

    def train_step_single(self, batch, **fit_params):
        scaler = self._grad_scaler()
        if scaler is None:
            return super().train_step_single(batch, **fit_params)
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        scaler.scale(loss).backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        scaler = self._grad_scaler()
        if scaler is None:
            return super().train_step(batch, **fit_params)
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        scaler.step(self.optimizer_)
        scaler.update()
        return step

    def _fitted_state(self):
        """Plain-valued fitted attributes, and the loss's class weights or None.

        With ``module_``'s weights, what a model file stores of the fitted
        classifier (see :meth:`_from_fitted_state`).
        """
        check_is_fitted(self, ["classes_inferred_", "module_"])
        fitted = {
            "classes": self.classes_inferred_.tolist(),
            "n_features_in": int(self.n_features_in_),
            "input_shape": list(self.input_shape_),
            # float32 values are exact as JSON numbers (through float64)
            "feature_mean": np.asarray(self.feature_mean_, np.float32).tolist(),
            "feature_scale": np.asarray(self.feature_scale_, np.float32).tolist(),
            "feature_names_in": (
                self.feature_names_in_.tolist()
                if hasattr(self, "feature_names_in_")
                else None
            ),
        }
        return fitted, getattr(self, "_loss_weight_", None)

    @classmethod
    def _from_fitted_state(cls, params, fitted, loss_weight=None):
        """A classifier built from :meth:`_fitted_state`'s attributes.

        Its network has the architecture they describe and fresh weights; the
        caller loads the stored tensors into ``module_``.
        """
        clf = cls(**params)
        clf._check_params()
        clf.classes_inferred_ = np.asarray(fitted["classes"])
        clf.n_features_in_ = fitted["n_features_in"]
        if fitted.get("feature_names_in") is not None:
            clf.feature_names_in_ = np.asarray(fitted["feature_names_in"], dtype=object)
        clf.input_shape_ = check_input_shape(fitted["input_shape"], clf.n_features_in_)
        clf.feature_mean_ = np.asarray(fitted["feature_mean"], dtype=np.float32)
        clf.feature_scale_ = np.asarray(fitted["feature_scale"], dtype=np.float32)
        clf.device_ = resolve_device(clf.device)
        clf._loss_weight_ = loss_weight
        clf._init_rng_ = torch.Generator()  # the caller replaces the weights
        return clf.initialize()

    def __getstate__(self):
        state = super().__getstate__()
        for name in (
            "_init_rng_",
            "_train_rng_",
            "_shuffle_rng_",
            "_grad_scaler_",
            "_scaling_",
        ):
            # generators cannot be pickled; the gradient scaler is training
            # state, recreated when training resumes; the scaling tensors are a
            # cache of feature_mean_ and feature_scale_ on the device
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        # skorch maps the saved tensors to ``state["device"]`` (falling back to
        # the CPU without CUDA), so "auto" is resolved for it and kept after.
        requested = state["device"]
        if requested == "auto":
            state["device"] = str(resolve_device("auto"))
        super().__setstate__(state)
        if "device_" in state:
            self.device_ = torch.device(self.device)
        if requested == "auto":
            self.device = "auto"
