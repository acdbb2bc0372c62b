"""Training on dask arrays without gathering them (issue 11).

``fit`` and ``partial_fit`` hand dask input here (:func:`is_dask_collection`
decides, without importing dask). Everything that needs the whole data is a
dask operation; the client holds the network, the optimizer and at most one
block of rows at a time:

- validation: dtype, shape and chunking from the array's metadata; finiteness,
  the largest absolute value, the class labels (``dask.array.unique``) and
  the sample-weight checks from one ``dask.compute`` of reductions;
- ``solver='lbfgs'``: every loss/gradient evaluation runs BP1-BP4 on each row
  block where it lives and sums the blocks' weighted costs and gradients in
  a tree on the cluster, so only one flat gradient comes back to scipy's
  L-BFGS-B (the design dask-glm uses for generalised linear models);
- ``solver='sgd'/'adam'``: epochs stream the row blocks to the client one at
  a time (block order shuffled per epoch, rows shuffled within a block) and
  cut each into mini-batches exactly as in memory; mini-batches never span
  two blocks;
- early stopping holds out a fixed, seeded set of rows of every block
  (``ceil(validation_fraction * n)`` in all, not stratified); only the
  held-out rows' outputs and targets come to the client for scoring.

How the block costs add up. :meth:`LayerStack.backprop` returns a *mean*: on
block ``k`` with weights ``w_i`` (1 without sample weights) and total weight
``W_k = sum_k w_i`` it gives ``C_k = (1/W_k) sum_k w_i c_i`` (called with
``alpha=0``, so no penalty) and gradient ``G_k = (1/W_k) sum_k w_i grad c_i``.
The full-data cost is ``C = (1/W) sum_i w_i c_i + alpha/(2W) ||w||^2`` with
``W = sum_k W_k``, hence ``C = (sum_k W_k C_k) / W + alpha/(2W) ||w||^2`` and
``G = (sum_k W_k G_k) / W + (alpha/W) w`` (weights only): each block returns
``(W_k C_k, W_k G_k)``, the cluster sums them and the client divides once by
``W`` and adds the penalty once. Blocks of zero weight contribute zeros.
"""

import math
import sys

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state

from ._network import LayerStack, Workspace
from ._training import (
    NON_FINITE_MESSAGE,
    TrainingParams,
    TrainingState,
    _batch_size,
    _MiniBatches,
    minimize_lbfgs,
    stochastic_epochs,
)


def is_dask_collection(*arrays):
    """True if any of ``arrays`` is a dask collection (never imports dask)."""
    dask = sys.modules.get("dask")
    return dask is not None and any(dask.is_dask_collection(a) for a in arrays)


# -- validation ---------------------------------------------------------------


def _as_row_blocks(array, name, row_chunks=None):
    """A dask array with known row chunks, all columns in one block."""
    import dask.array as da

    if not is_dask_collection(array):
        array = np.asarray(array)
        if array.ndim == 0:
            raise ValueError(f"{name} must be an array, got a scalar {array!r}.")
        return da.from_array(array, chunks=(row_chunks,) + array.shape[1:])
    if not isinstance(array, da.Array):
        # a dask DataFrame or Series: its partitions' lengths are unknown
        array = array.to_dask_array()
    if any(math.isnan(c) for c in array.chunks[0]):
        raise ValueError(
            f"{name} is a dask array with unknown chunk sizes "
            f"(chunks={array.chunks}); call {name}.compute_chunk_sizes() (or "
            "to_dask_array(lengths=True) on a dask DataFrame) before fitting."
        )
    if array.ndim == 2 and len(array.chunks[1]) > 1:
        # a block must hold whole rows: rechunk along the columns, not an error
        array = array.rechunk({1: -1})
    if row_chunks is not None and array.chunks[0] != row_chunks:
        array = array.rechunk({0: row_chunks})
    return array


def _check_X(estimator, X, y, sample_weight, reset):
    import dask.array as da

    if not is_dask_collection(X):  # numpy X beside dask y or sample_weight
        other = y if is_dask_collection(y) else sample_weight
        rows = _as_row_blocks(other, "y" if other is y else "sample_weight").chunks[0]
        X = _as_row_blocks(X, "X", rows)
    X = _as_row_blocks(X, "X")
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2D dask array, got an array of shape {X.shape}; reshape "
            "it, e.g. X.reshape(-1, 1) for a single feature."
        )
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"Found a dask array of shape {X.shape}; it needs data.")
    if X.dtype not in (np.float32, np.float64):
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise ValueError(f"X has dtype {X.dtype}; a numeric dtype is needed.")
        X = X.astype(np.float64)
    if not isinstance(X._meta, np.ndarray):
        raise TypeError(
            f"The blocks of X are {type(X._meta).__name__}; skbp trains on dask "
            "arrays of numpy blocks."
        )
    if reset:
        estimator.n_features_in_ = X.shape[1]
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    return X, da


def _prepare(estimator, X, y, sample_weight, incremental, first_pass):
    """Validated dask arrays X, Y (2-D, compute dtype), sample_weight, and dtype.

    One ``dask.compute`` gathers every statistic the checks need.
    """
    import dask

    X, da = _check_X(estimator, X, y, sample_weight, reset=first_pass)
    rows = X.chunks[0]
    y = _as_row_blocks(y, "y", rows)
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{X.shape[0]}, {y.shape[0]}]"
        )
    classifier = is_classifier(estimator)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if classifier and y.ndim != 1:
        raise ValueError(
            "skbp trains classifiers on dask arrays with one label per sample "
            f"(1-D y); got y of shape {y.shape}. Multilabel targets need numpy y."
        )
    stats = {"finite": da.isfinite(X).all(), "absmax": abs(X).max()}
    if classifier:
        stats["classes"] = da.unique(y)
    else:
        if not np.issubdtype(y.dtype, np.number):
            raise ValueError(f"y has dtype {y.dtype}; regression needs numbers.")
        stats["y_finite"] = da.isfinite(y).all()
        stats["y_min"] = y.min()
    if sample_weight is not None:
        sample_weight = _as_row_blocks(sample_weight, "sample_weight", rows)
        if sample_weight.shape != (X.shape[0],):
            raise ValueError(
                f"sample_weight.shape == {sample_weight.shape}, expected "
                f"{(X.shape[0],)}!"
            )
        stats["sw_finite"] = da.isfinite(sample_weight).all()
        stats["sw_min"] = sample_weight.min()
        stats["sw_sum"] = sample_weight.sum()
    (stats,) = dask.compute(stats)

    if not stats["finite"]:
        raise ValueError("Input X contains NaN or infinity.")
    if classifier:
        estimator._update_classes(stats["classes"], incremental)
    else:
        if not stats["y_finite"]:
            raise ValueError("Input y contains NaN or infinity.")
        if estimator.loss == "poisson" and stats["y_min"] < 0:
            raise ValueError(
                "loss='poisson' requires non-negative targets, but y has negative "
                f"values (smallest {stats['y_min']})."
            )
    dtype = estimator._compute_dtype(X, first_pass)
    from ._mlp import check_largest_representable  # _mlp imports this module

    check_largest_representable(stats["absmax"], X.dtype, dtype, "X")
    if sample_weight is not None:
        if not stats["sw_finite"]:
            raise ValueError("Input sample_weight contains NaN or infinity.")
        if stats["sw_min"] < 0:
            raise ValueError("Negative values in data passed to `sample_weight`")
        if not stats["sw_sum"] > 0:
            raise ValueError(
                "sample_weight must have a positive sum; all weights are zero."
            )
        sample_weight = sample_weight.astype(dtype)

    if classifier:
        Y = y.map_blocks(
            _binarize,
            estimator._label_binarizer,
            dtype,
            chunks=(rows, (_n_label_columns(estimator._label_binarizer),)),
            new_axis=1,
            dtype=dtype,
        )
    else:
        Y = (y[:, None] if y.ndim == 1 else y).astype(dtype)
    return X, Y, sample_weight, dtype


def _n_label_columns(label_binarizer):
    n_classes = len(label_binarizer.classes_)
    return 1 if n_classes <= 2 else n_classes


def _binarize(y_block, label_binarizer, dtype):
    return label_binarizer.transform(y_block).astype(dtype, copy=False)


# -- fit ------------------------------------------------------------------------


def fit(estimator, X, y, sample_weight, incremental):
    """``estimator._fit`` for dask input: validate, build, train, publish."""
    if getattr(estimator, "class_weight", None) is not None:
        raise ValueError(
            "class_weight is not supported with dask arrays yet: pass the class "
            "weights as sample_weight (a dask array), e.g. from "
            "sklearn.utils.class_weight.compute_class_weight."
        )
    hidden_layer_sizes = estimator._hidden_layer_sizes()
    first_pass = not hasattr(estimator, "coefs_") or (
        not estimator.warm_start and not incremental
    )
    X, Y, sample_weight, dtype = _prepare(
        estimator, X, y, sample_weight, incremental, first_pass
    )
    n_outputs = Y.shape[1]
    layer_units = [X.shape[1], *hidden_layer_sizes, n_outputs]
    random_state = check_random_state(estimator.random_state)
    stack = estimator._layer_stack(layer_units, np.empty((0, n_outputs)), dtype)
    output_activation = stack.output_activation
    params = TrainingParams.from_dict(estimator.get_params()).for_data(
        X.shape[0], incremental=incremental
    )
    if first_pass:
        stack.glorot_uniform_init(random_state)
        state = TrainingState.start(params, stack.params)
    else:
        estimator._check_same_network_shape(stack, np.empty((0, n_outputs)))
        stack.set_params(estimator.coefs_, estimator.intercepts_)
        state = estimator._previous_training_state().continued(
            params, stack.params, incremental=incremental
        )

    spec = _NetworkSpec(
        layer_units,
        estimator.activation,
        output_activation,
        dtype,
        estimator._loss(stack),
    )
    X, Y, sample_weight = _persisted_on_cluster(X, Y, sample_weight)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if params.stochastic:
            batches, validation = _stream(
                X, Y, sample_weight, spec, params, random_state
            )
            state = stochastic_epochs(
                stack,
                spec.loss,
                batches,
                params=params,
                state=state,
                random_state=random_state,
                score=estimator._validation_scorer(),
                validation=validation,
                incremental=incremental,
            )
        else:
            objective = _DistributedObjective(X, Y, sample_weight, spec, params.alpha)
            state = minimize_lbfgs(stack, objective, params, state)
    if not np.isfinite(stack.params).all():
        raise ValueError(NON_FINITE_MESSAGE)
    estimator._publish(stack, state)
    return estimator


def _persisted_on_cluster(*arrays):
    """Keep the blocks in the workers' memory if a distributed client is active.

    L-BFGS reads every block once per evaluation and SGD once per epoch: a
    lazily defined array would otherwise be recomputed (or re-read) each time.
    Without a cluster (dask's local schedulers) nothing is persisted, since
    that would hold the whole data in this process.
    """
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return arrays
    present = [a for a in arrays if a is not None]
    persisted = iter(client.persist(present))
    return tuple(None if a is None else next(persisted) for a in arrays)


class _NetworkSpec:
    """What a worker needs to rebuild the network: shapes, activations, loss."""

    def __init__(self, layer_units, activation, output_activation, dtype, loss):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.output_activation = output_activation
        self.dtype = np.dtype(dtype)
        self.loss = loss

    def stack(self, flat):
        stack = LayerStack(
            self.layer_units, self.activation, self.output_activation, self.dtype
        )
        np.copyto(stack.params, flat, casting="same_kind")
        return stack


def _row_blocks(*arrays):
    """Per row block, a tuple of one delayed block from each array (or None)."""
    columns = [
        [None] * arrays[0].numblocks[0]
        if a is None
        else list(a.to_delayed()[:, 0])
        if a.ndim == 2
        else list(a.to_delayed())
        for a in arrays
    ]
    return list(zip(*columns))


# -- L-BFGS: one evaluation = one pass over the blocks on the cluster -----------


def _block_cost_and_gradient(spec, flat, X, Y, sample_weight):
    """``(W_k * C_k, W_k * G_k)`` of one block: see the module docstring.

    Runs on a worker. float64 results, whatever the network's dtype.
    """
    if sample_weight is None:
        block_weight = float(X.shape[0])
    else:
        block_weight = float(sample_weight.sum())
    if X.shape[0] == 0 or not block_weight > 0:
        return 0.0, np.zeros(flat.size)
    stack = spec.stack(flat)
    work = Workspace(stack, X.shape[0])
    X = X.astype(spec.dtype, copy=False)
    cost = stack.backprop(X, Y, sample_weight, spec.loss, 0.0, work)
    return block_weight * cost, block_weight * work.grad.astype(np.float64)


def _add(*parts):
    cost = sum(part[0] for part in parts)
    grad = parts[0][1].copy()
    for part in parts[1:]:
        grad += part[1]
    return cost, grad


def _tree_sum(parts, delayed, fan_in=8):
    """Sum delayed ``(cost, grad)`` pairs in a tree on the cluster."""
    while len(parts) > 1:
        parts = [
            delayed(_add, pure=True)(*parts[i : i + fan_in])
            for i in range(0, len(parts), fan_in)
        ]
    return parts[0]


class _DistributedObjective:
    """The full-data cost and gradient at a parameter vector, summed over blocks.

    Each call ships the parameters to the cluster once (one graph key that
    every block's task depends on) and gets one flat gradient back.
    """

    def __init__(self, X, Y, sample_weight, spec, alpha):
        import dask

        self._dask = dask
        self.blocks = _row_blocks(X, Y, sample_weight)
        self.spec = spec
        self.alpha = alpha
        self.total_weight = (
            float(X.shape[0])
            if sample_weight is None
            else float(dask.compute(sample_weight.sum())[0])
        )
        self.n_weights = sum(
            a * b for a, b in zip(spec.layer_units[:-1], spec.layer_units[1:])
        )
        self.n_evaluations = 0

    def __call__(self, flat):
        delayed = self._dask.delayed
        flat_key = delayed(np.array(flat, dtype=self.spec.dtype), pure=True)
        parts = [
            delayed(_block_cost_and_gradient, pure=True)(self.spec, flat_key, *block)
            for block in self.blocks
        ]
        ((cost_sum, grad_sum),) = self._dask.compute(_tree_sum(parts, delayed))
        self.n_evaluations += 1
        # the penalty once, on the weights in the network's dtype (as in memory)
        weights = np.asarray(flat[: self.n_weights], dtype=self.spec.dtype)
        penalty_scale = float(self.alpha / self.total_weight)
        grad = grad_sum / self.total_weight
        grad[: self.n_weights] += penalty_scale * weights
        cost = cost_sum / self.total_weight
        cost += 0.5 * penalty_scale * float(np.dot(weights, weights))
        return cost, grad


# -- SGD / Adam: the blocks streamed through the client --------------------------


def _held_out_rows(seed, block_index, n_rows, n_held_out):
    """Boolean mask of the held-out rows of one block (deterministic)."""
    mask = np.zeros(n_rows, bool)
    rng = np.random.default_rng([seed, block_index])
    mask[rng.permutation(n_rows)[:n_held_out]] = True
    return mask


def _select_rows(block, seed, block_index, n_held_out, held_out):
    mask = _held_out_rows(seed, block_index, block.shape[0], n_held_out)
    return block[mask if held_out else ~mask]


class _BlockStream:
    """Mini-batches of a dask array's row blocks, one block in memory at a time.

    The interface of :class:`skbp._training._MiniBatches`. ``shuffle`` draws a
    block order for the next epoch and asks for each block's rows to be
    shuffled as it arrives (both from the estimator's random state). Held-out
    rows (early stopping) are dropped from each block after it arrives.
    """

    def __init__(self, blocks, held_out, seed, n_samples, total_weight, spec):
        import dask

        self._compute = dask.compute
        self.blocks = blocks
        self.held_out = held_out  # rows held out per block (zeros if none)
        self.seed = seed
        self.n_samples = n_samples
        self.total_weight = total_weight
        self.dtype = spec.dtype
        self.batch_size = None
        self.block_order = np.arange(len(blocks))
        self._random_state = None

    def shuffle(self, random_state):
        random_state.shuffle(self.block_order)
        self._random_state = random_state

    def __iter__(self):
        shuffle_rows, self._random_state = self._random_state, None
        for k in self.block_order:
            X, Y, sample_weight = self._compute(*self.blocks[k])
            if self.held_out[k]:
                mask = _held_out_rows(self.seed, k, X.shape[0], self.held_out[k])
                X, Y = X[~mask], Y[~mask]
                sample_weight = None if sample_weight is None else sample_weight[~mask]
            if X.shape[0] == 0:
                continue
            batches = _MiniBatches(X, Y, sample_weight, self.batch_size, self.dtype)
            if shuffle_rows is not None:
                batches.shuffle(shuffle_rows)
            yield from batches


def _held_out_counts(row_chunks, fraction):
    """Rows held out per block: ``ceil(fraction * n)`` in all, spread evenly."""
    ends = np.cumsum(row_chunks)
    held = np.ceil(fraction * ends - 1e-9).astype(int)
    return np.diff(held, prepend=0)


def _stream(X, Y, sample_weight, spec, params, random_state):
    """The block stream and the early-stopping validation of a stochastic fit."""
    import dask
    import dask.array as da

    rows = X.chunks[0]
    blocks = _row_blocks(X, Y, sample_weight)
    validation = None
    held_out = np.zeros(len(rows), int)
    seed = 0
    train_weight = None
    if params.early_stopping:
        held_out = _held_out_counts(rows, params.validation_fraction)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        held = {}
        for name, array in {"X": X, "Y": Y, "sw": sample_weight}.items():
            if array is None:
                continue
            pieces = [
                da.from_delayed(
                    dask.delayed(_select_rows)(block, seed, k, held_out[k], True),
                    shape=(held_out[k],) + array.shape[1:],
                    dtype=array.dtype,
                )
                for k, (block,) in enumerate(_row_blocks(array))
                if held_out[k]
            ]
            held[name] = da.concatenate(pieces)
        X_val = held["X"]
        Y_val, sw_val, weight_sum = dask.compute(
            held["Y"],
            held.get("sw"),
            None if sample_weight is None else sample_weight.sum(),
        )
        if sw_val is not None:
            train_weight = float(weight_sum) - float(sw_val.sum())
            if not train_weight > 0:
                raise ValueError(
                    "Every sample with a non-zero sample_weight was held out for "
                    f"early stopping (validation_fraction={params.validation_fraction}"
                    "), leaving a training set of zero total weight. Give more "
                    "samples a positive weight, lower validation_fraction, or set "
                    "early_stopping=False."
                )
            if not sw_val.sum() > 0:
                sw_val = None
        validation = (_DaskPredict(X_val, spec), Y_val, sw_val)
    n_train = X.shape[0] - int(held_out.sum())
    if sample_weight is None:
        train_weight = float(n_train)
    elif train_weight is None:
        train_weight = float(dask.compute(sample_weight.sum())[0])
    stream = _BlockStream(blocks, held_out, seed, n_train, train_weight, spec)
    stream.batch_size = _batch_size(params.batch_size, n_train)
    return stream, validation


def _predict_block(X, spec, flat):
    return spec.stack(flat).predict(X)


class _DaskPredict:
    """``stack -> outputs`` on the held-out rows, computed where they live."""

    def __init__(self, X_val, spec):
        self.X_val = X_val
        self.spec = spec

    def __call__(self, stack):
        outputs = self.X_val.map_blocks(
            _predict_block,
            self.spec,
            stack.params.copy(),
            chunks=(self.X_val.chunks[0], (stack.layer_units[-1],)),
            dtype=stack.dtype,
        )
        return outputs.compute()
