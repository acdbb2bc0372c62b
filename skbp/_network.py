"""The layer stack: one flat parameter vector, the forward pass and BP1-BP4.

Notation (the seed's, in batched row-major form; samples are rows):

* ``A[0] = X``, shape ``(n_samples, n_features)``.
* Layer ``i = 1 .. L`` has weights ``W[i]`` of shape ``(n_in, n_out)`` (the
  transpose of the seed's ``w^l``, and scikit-learn's ``coefs_[i - 1]``) and
  bias ``b[i]`` of shape ``(n_out,)`` (``intercepts_[i - 1]``).
* Forward pass, eq. (3.1): ``Z[i] = A[i-1] @ W[i] + b[i]``, ``A[i] = sigma(Z[i])``.
* ``Delta[i] = dC/dZ[i]``, shape ``(n_samples, n_out)``, where C is the batch's
  mean cost. Backward pass:

  - BP1  ``Delta[L]   = f'(A[L]) * sigma'(Z[L]) * s``, with ``s = w / sum(w)``
    (``1 / n`` without sample weights); ``(A[L] - Y) * s`` for a canonical
    loss/link pair (see :mod:`skbp._losses`);
  - BP2  ``grad_b[i]  = Delta[i].sum(axis=0)``;
  - BP3  ``grad_W[i]  = A[i-1].T @ Delta[i]``  (+ the L2 penalty's gradient);
  - BP4  ``Delta[i-1] = (Delta[i] @ W[i].T) * sigma'(Z[i-1])``.

  sigma' is written from ``A`` where that is exact; ``Z[i]`` is kept only for
  the layers whose activation needs it (silu, gelu, user-defined).

  (The seed prints BP4 with a Hadamard product where the matrix product is
  meant, and eq. 3.1's index range is off by one; the lines above are correct.)

All weights, then all biases, live in one flat vector :attr:`LayerStack.params`
(scikit-learn's packing order); ``coefs`` and ``intercepts`` are views into it.
Gradients, optimizer state and L-BFGS use the same layout, so an optimizer
step is a handful of whole-vector operations and L-BFGS needs no packing.
This module knows nothing of scikit-learn estimators.
"""

import numpy as np
import scipy.sparse as sp

from ._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, as_activation

_RELU = HIDDEN_ACTIVATIONS["relu"]  # the one the compiled kernels fuse


def _matmul_into(left, right, out):
    """``out[...] = left @ right`` where ``left`` may be a scipy sparse matrix."""
    if sp.issparse(left):
        out[...] = left @ right
    else:
        np.matmul(left, right, out=out)
    return out


class LayerStack:
    """A dense feed-forward network with its parameters in one flat vector.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    hidden_activation : str, Activation or sequence of them
        sigma of every hidden layer, or one per hidden layer: an activation
        object or a key of :data:`~skbp._activations.HIDDEN_ACTIVATIONS`.
    output_activation : str or Activation
        sigma of the output layer, or a key of
        :data:`~skbp._activations.OUTPUT_ACTIVATIONS`.
    dtype : numpy float dtype
        dtype of the parameters and of every buffer.
    """

    def __init__(self, layer_units, hidden_activation, output_activation, dtype):
        self.layer_units = [int(n) for n in layer_units]
        n_hidden = len(self.layer_units) - 2
        if isinstance(hidden_activation, list | tuple):
            if len(hidden_activation) != n_hidden:
                raise ValueError(
                    f"activation has {len(hidden_activation)} entries, but "
                    f"hidden_layer_sizes has {n_hidden} hidden layers: give one "
                    "activation per hidden layer, or a single one for all."
                )
            hidden = [as_activation(a, HIDDEN_ACTIVATIONS) for a in hidden_activation]
            # scikit-learn's init rule reads the one hidden activation; with a
            # list, the output layer takes the last hidden layer's factor
            self._output_glorot_factor = hidden[-1].glorot_factor if hidden else 6.0
        else:
            hidden = [as_activation(hidden_activation, HIDDEN_ACTIVATIONS)] * n_hidden
            self._output_glorot_factor = as_activation(
                hidden_activation, HIDDEN_ACTIVATIONS
            ).glorot_factor
        self.output_activation = as_activation(output_activation, OUTPUT_ACTIVATIONS)
        self.activations = [*hidden, self.output_activation]
        """``sigma`` of layers 1 .. L (``activations[i - 1]`` is layer i's)."""
        self.dtype = np.dtype(dtype)
        self.weight_shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.n_weights = sum(n_in * n_out for n_in, n_out in self.weight_shapes)
        self.n_params = self.n_weights + sum(self.layer_units[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs, self.intercepts = self.split(self.params)

    @classmethod
    def from_arrays(cls, coefs, intercepts, hidden_activation, output_activation):
        """A stack holding a copy of per-layer arrays (e.g. a fitted ``coefs_``).

        The dtype is the weights' float dtype (float64 for anything else, such
        as nested lists).
        """
        first = np.asarray(coefs[0])
        dtype = first.dtype if first.dtype in (np.float32, np.float64) else np.float64
        units = [first.shape[0]] + [np.shape(W)[1] for W in coefs]
        stack = cls(units, hidden_activation, output_activation, dtype)
        stack.set_params(coefs, intercepts)
        return stack

    @property
    def n_layers(self):
        """Number of weight layers L (hidden layers + output layer)."""
        return len(self.weight_shapes)

    def split(self, flat):
        """Per-layer views ``(coefs, intercepts)`` of a flat ``(n_params,)`` vector."""
        coefs, intercepts = [], []
        start = 0
        for n_in, n_out in self.weight_shapes:
            coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
            start += n_in * n_out
        for _, n_out in self.weight_shapes:
            intercepts.append(flat[start : start + n_out])
            start += n_out
        return coefs, intercepts

    def set_params(self, coefs, intercepts):
        """Copy per-layer arrays (e.g. a user's ``coefs_``) into the flat vector."""
        for view, value in zip(
            self.coefs + self.intercepts, list(coefs) + list(intercepts)
        ):
            if np.shape(value) != view.shape:
                raise ValueError(
                    f"A layer's parameters have shape {np.shape(value)}, expected "
                    f"{view.shape} for layer sizes {self.layer_units}."
                )
            view[...] = value

    def glorot_uniform_init(self, random_state):
        """Glorot-uniform weights and biases, drawn layer by layer.

        Draws in scikit-learn's order (each layer's weights, then its biases,
        from ``U(-r, r)`` with ``r = sqrt(k / (n_in + n_out))``, ``k = 2`` for
        logistic units and 6 otherwise), so the same ``random_state`` gives
        the same initial network as scikit-learn's MLP. ``k`` is each hidden
        layer's own; the output layer takes the (last) hidden activation's,
        as scikit-learn does.
        """
        factors = [sigma.glorot_factor for sigma in self.activations[:-1]]
        factors.append(self._output_glorot_factor)
        for W, b, factor in zip(self.coefs, self.intercepts, factors):
            bound = np.sqrt(factor / sum(W.shape))
            W[...] = random_state.uniform(-bound, bound, W.shape)
            b[...] = random_state.uniform(-bound, bound, b.shape)

    def forward(self, X, A, *, logits=False, Z=None, kernels=None, dropout=None):
        """Forward pass, eq. (3.1), for the ``m = X.shape[0]`` rows of ``X``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (m, n_features)
            ``A[0]``, in the parameters' dtype.
        A : list of ndarray
            Buffers ``A[i]`` of shape ``(>= m, layer_units[i])`` for i = 1..L
            (index 0 unused), overwritten with the activations.
        logits : bool, default=False
            Leave the output layer's pre-activations ``Z[L]`` unactivated.
        Z : list of ndarray or None, default=None
            Buffers (or None) like ``A``: where ``Z[i]`` is given, the
            pre-activations ``Z[i]`` are kept there (for sigma' of layers that
            need them). Without it, ``A[i]`` holds ``Z[i]`` before activation.
        kernels : skbp._kernels.Kernels or None
            Compiled kernels (bias add and ReLU in one pass), or None for numpy.
        dropout : Dropout or None
            Training only: hidden units dropped at random; the next layer
            takes the kept activations (``dropout.kept``), ``A`` stays whole.

        Returns
        -------
        ndarray of shape (m, n_outputs)
            A view of ``A[L][:m]``.
        """
        m = X.shape[0]
        A_prev = X
        layers = zip(self.coefs, self.intercepts, self.activations)
        for i, (W, b, sigma) in enumerate(layers, start=1):
            activate = i < self.n_layers or not logits
            keep_z = activate and Z is not None and Z[i] is not None
            Z_i = _matmul_into(A_prev, W, (Z[i] if keep_z else A[i])[:m])
            if kernels is not None and activate and sigma is _RELU and not keep_z:
                kernels.add_bias_relu(Z_i, b)  # the two steps below in one pass
                A_prev = Z_i
            else:
                Z_i += b  # Z[i] = A[i-1] @ W[i] + b[i]
                if keep_z:
                    A_prev = A[i][:m]
                    np.copyto(A_prev, Z_i)
                else:
                    A_prev = Z_i
                if activate:
                    sigma.apply(A_prev)  # A[i] = sigma(Z[i]), in place
            if dropout is not None and i < self.n_layers:
                A_prev = dropout.apply(i, A_prev)  # what layer i + 1 sees
        return A_prev

    def predict(self, X, *, logits=False, max_bytes=64 * 2**20):
        """Output layer for every row of ``X``, in chunks of bounded memory.

        Rows are cast to the parameters' dtype one chunk at a time; a chunk's
        work buffers (activations, plus the cast copy of dense rows) take at
        most ``max_bytes``, whatever ``X.shape[0]``. Sparse rows are counted by
        their stored entries, not their width.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        logits : bool, default=False
            Return the output pre-activations ``Z[L]`` instead of ``A[L]``.
        max_bytes : int
            Memory budget of one chunk's buffers.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs), in the parameters' dtype.
        """
        n_samples = X.shape[0]
        itemsize = self.dtype.itemsize
        row_bytes = itemsize * sum(self.layer_units[1:])
        if sp.issparse(X):
            row_bytes += (X.nnz // max(n_samples, 1) + 1) * (itemsize + 8)
        elif X.dtype != self.dtype:
            row_bytes += itemsize * X.shape[1]
        chunk_rows = max(1, min(int(max_bytes) // row_bytes, n_samples))
        work = Workspace(self, chunk_rows, gradients=False)
        out = np.empty((n_samples, self.layer_units[-1]), self.dtype)
        for start in range(0, n_samples, chunk_rows):
            rows = slice(start, start + chunk_rows)
            X_chunk = X[rows].astype(self.dtype, copy=False)
            out[rows] = self.forward(X_chunk, work.A, logits=logits)
        return out

    def backprop(self, X, Y, sample_weight, loss, alpha, work):
        """Cost of one mini-batch and its gradient, by BP1-BP4.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (m, n_features)
        Y : ndarray of shape (m, n_outputs)
            Targets, in the parameters' dtype (one-hot or 0/1 for classifiers).
        sample_weight : ndarray of shape (m,) or None
        loss : skbp._losses.Loss
        alpha : float
            L2 penalty; adds ``alpha / (2 * sum(w)) * sum ||W||^2`` to the cost.
        work : Workspace
            Buffers with at least ``m`` rows; ``work.grad`` receives the gradient.

        Returns
        -------
        cost : float
            Mean cost over the batch plus the L2 penalty.
        """
        m = X.shape[0]
        A, Z, Delta = work.rows(m)
        A = [X, *A[1:]]
        dropout = work.dropout
        # What each layer takes in: A[i - 1], or its kept units under dropout.
        inputs = A if dropout is None else dropout.layer_inputs(A)
        grad_W, grad_b = work.grad_coefs, work.grad_intercepts
        L = self.n_layers
        kernels = work.kernels
        # A compiled kernel for the output layer's element-wise work (sigma,
        # cost, BP1 and BP2 in one pass), for the canonical pairs; else numpy.
        fused_output = (
            None
            if kernels is None
            else kernels.output_layer(self.output_activation, loss)
        )

        self.forward(
            X,
            work.A,
            logits=fused_output is not None,
            Z=work.Z,
            kernels=kernels,
            dropout=dropout,
        )
        if sample_weight is None:
            total_weight = float(m)
            row_scale, sample_scale = None, 1.0 / m
        else:
            total_weight = float(sample_weight.sum())
            row_scale = sample_weight / total_weight
            sample_scale = row_scale[:, np.newaxis]
        weights = self.params[: self.n_weights]
        penalty_scale = float(alpha / total_weight)  # a Python float: keeps dtype
        work.penalty_scale = penalty_scale  # for an optimizer that adds it fused
        penalty = 0.5 * penalty_scale * float(np.dot(weights, weights))

        if fused_output is not None:
            # A[L] = sigma(Z[L]), the cost, BP1 and BP2 of layer L, compiled
            cost = fused_output(A[L], Y, row_scale, Delta[L], grad_b[L - 1]) + penalty
        else:
            cost = loss.value(Y, A[L], sample_weight) + penalty
            # BP1: Delta[L] = f'(A[L]) * sigma'(Z[L]) (= A[L] - Y, canonical pairs) ...
            loss.bp1(Y, A[L], Z[L], self.output_activation, out=Delta[L])
            Delta[L] *= sample_scale  # ... per sample, scaled to the batch mean
        bias_gradient_done = fused_output is not None
        for i in range(L, 0, -1):
            if not bias_gradient_done:
                Delta[i].sum(axis=0, out=grad_b[i - 1])  # BP2
            _matmul_into(inputs[i - 1].T, Delta[i], grad_W[i - 1])  # BP3 ...
            # ... plus the L2 penalty's gradient (weights only), unless the
            # optimizer adds it fused with its update (work.defer_penalty)
            if alpha and not work.defer_penalty:
                W_scaled = np.multiply(
                    self.coefs[i - 1], penalty_scale, out=work.scratch_coefs[i - 1]
                )
                grad_W[i - 1] += W_scaled
            bias_gradient_done = False
            if i > 1:
                np.matmul(Delta[i], self.coefs[i - 1].T, out=Delta[i - 1])  # BP4 ...
                if dropout is not None:  # ... through the kept units only ...
                    dropout.multiply_by_mask(i - 1, Delta[i - 1])
                sigma = self.activations[i - 2]  # ... times sigma'(Z[i-1])
                if kernels is not None and sigma is _RELU:
                    # compiled, together with BP2 of layer i - 1
                    kernels.relu_derivative_bias_grad(
                        A[i - 1], Delta[i - 1], grad_b[i - 2]
                    )
                    bias_gradient_done = True
                else:
                    sigma.multiply_by_derivative(A[i - 1], Delta[i - 1], Z[i - 1])
        return cost


class Workspace:
    """Buffers for forward and backward passes of up to ``n_rows`` samples.

    Allocated once per fit (or per prediction), then reused for every batch
    through row slices ``buffer[:m]``.

    Attributes
    ----------
    A, Delta : list of ndarray
        ``A[i]`` and ``Delta[i]`` of shape ``(n_rows, layer_units[i])`` for
        ``i = 1 .. L``; index 0 is None (``A[0]`` is the input itself).
        ``Delta`` is None when the workspace serves prediction only.
    Z : list of ndarray or None
        ``Z[i]`` like ``A[i]`` for the layers whose sigma' needs the
        pre-activations (``activations[i - 1].needs_z``), else None; all None
        when the workspace serves prediction only.
    grad : ndarray of shape (n_params,)
        Flat gradient; ``grad_coefs`` / ``grad_intercepts`` are views into it.
    scratch_coefs : list of ndarray
        Per-layer temporaries of the weights' shapes, for the penalty's gradient.
    kernels : skbp._kernels.Kernels or None
        The compiled kernels chosen for this fit by ``skbp.config_context``'s
        ``kernels`` setting, or None for numpy.
    defer_penalty : bool
        If True, :meth:`LayerStack.backprop` leaves the L2 penalty's gradient
        out of ``grad`` and records ``penalty_scale`` (``alpha / sum(w)``) for
        the optimizer, which adds it fused with its update.
    dropout : Dropout or None
        Inverted dropout of hidden units while training, or None.
    """

    def __init__(
        self,
        stack,
        n_rows,
        *,
        gradients=True,
        kernels=None,
        defer_penalty=False,
        dropout=None,
    ):
        units = stack.layer_units
        self.n_rows = n_rows
        self.kernels = kernels
        self.dropout = dropout
        self.defer_penalty = defer_penalty
        self.penalty_scale = 0.0
        self.A = [None] + [np.empty((n_rows, n), stack.dtype) for n in units[1:]]
        self.Z = [None] * len(units)
        if gradients:
            for i, sigma in enumerate(stack.activations, start=1):
                if sigma.needs_z:
                    self.Z[i] = np.empty((n_rows, units[i]), stack.dtype)
        self.Delta = self.grad = self.grad_coefs = None
        self.grad_intercepts = self.scratch_coefs = None
        if gradients:
            self.Delta = [None] + [
                np.empty((n_rows, n), stack.dtype) for n in units[1:]
            ]
            self.grad = np.zeros(stack.n_params, stack.dtype)
            self.grad_coefs, self.grad_intercepts = stack.split(self.grad)
            self.scratch_coefs, _ = stack.split(np.empty(stack.n_params, stack.dtype))
        self._rows = {}

    def rows(self, m):
        """``(A, Z, Delta)``: the buffers' first ``m`` rows (None stays None).

        Cached by ``m`` (a fit sees at most two batch sizes), so a
        mini-batch does not rebuild three lists of views.
        """
        views = self._rows.get(m)
        if views is None:
            views = self._rows[m] = tuple(
                [None if buffer is None else buffer[:m] for buffer in buffers]
                for buffers in (self.A, self.Z, self.Delta)
            )
        return views


class Dropout:
    """Inverted dropout of hidden units, for training only.

    Each mini-batch, unit ``k`` of hidden layer ``i`` is kept with probability
    ``1 - rates[i - 1]`` and, when kept, scaled by ``1 / (1 - rate)``: the
    expected input of the next layer is unchanged, so prediction uses the
    whole network as it is. The masks enter BP3 (the next layer's gradient
    sees the kept activations) and BP4 (deltas flow back through kept units
    only). Masks come from ``random_state``: the same seed, the same model.

    Parameters
    ----------
    rates : sequence of float
        Drop probability of each hidden layer, in [0, 1).
    random_state : numpy.random.RandomState
    stack : LayerStack
    n_rows : int
        Most rows of a mini-batch.
    """

    def __init__(self, rates, random_state, stack, n_rows):
        self.rates = [float(rate) for rate in rates]
        self.random_state = random_state
        units = stack.layer_units
        self.mask = [None] * len(units)
        self.kept = [None] * len(units)
        for i, rate in enumerate(self.rates, start=1):
            if rate > 0:
                self.mask[i] = np.empty((n_rows, units[i]), stack.dtype)
                self.kept[i] = np.empty((n_rows, units[i]), stack.dtype)

    def apply(self, i, A_i):
        """Draw layer ``i``'s mask for the rows of ``A_i``; the kept activations.

        ``A_i`` of shape ``(m, layer_units[i])`` is left whole (sigma' needs
        it); returns ``A_i * mask``, a view of a buffer.
        """
        if self.mask[i] is None:
            return A_i
        m = A_i.shape[0]
        rate = self.rates[i - 1]
        keep = self.random_state.random_sample(A_i.shape) >= rate
        mask = np.multiply(keep, 1.0 / (1.0 - rate), out=self.mask[i][:m])
        return np.multiply(A_i, mask, out=self.kept[i][:m])

    def layer_inputs(self, A):
        """``A`` with each dropped-out hidden layer replaced by its kept units."""
        m = A[0].shape[0]
        return [
            a if kept is None else kept[:m]
            for a, kept in zip(A, self.kept, strict=False)
        ]

    def multiply_by_mask(self, i, delta):
        """``delta *= mask`` for hidden layer ``i`` (BP4 through kept units)."""
        if self.mask[i] is not None:
            delta *= self.mask[i][: delta.shape[0]]
