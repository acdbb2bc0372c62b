"""The layer stack: one flat parameter vector, the forward pass and BP1-BP4.

Notation (the seed's, in batched row-major form; samples are rows):

* ``A[0] = X``, shape ``(n_samples, n_features)``.
* Layer ``i = 1 .. L`` has weights ``W[i]`` of shape ``(n_in, n_out)`` (the
  transpose of the seed's ``w^l``, and scikit-learn's ``coefs_[i - 1]``) and
  bias ``b[i]`` of shape ``(n_out,)`` (``intercepts_[i - 1]``).
* Forward pass, eq. (3.1): ``Z[i] = A[i-1] @ W[i] + b[i]``, ``A[i] = sigma(Z[i])``.
* ``Delta[i] = dC/dZ[i]``, shape ``(n_samples, n_out)``, where C is the batch's
  mean cost. Backward pass:

  - BP1  ``Delta[L]   = (A[L] - Y) * s``, with ``s = w / sum(w)`` (``1 / n``
    without sample weights), the output delta of a canonical loss/link pair;
  - BP2  ``grad_b[i]  = Delta[i].sum(axis=0)``;
  - BP3  ``grad_W[i]  = A[i-1].T @ Delta[i]``  (+ the L2 penalty's gradient);
  - BP4  ``Delta[i-1] = (Delta[i] @ W[i].T) * sigma'(Z[i-1])``.

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

from ._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ._config import resolve_kernels


def _matmul_into(left, right, out):
    """``out[...] = left @ right`` where ``left`` may be a scipy sparse matrix."""
    if sp.issparse(left):
        out[...] = left @ right
    else:
        np.matmul(left, right, out=out)
    return out


def forward_pass(
    X, coefs, intercepts, hidden_activation, output_activation, A, kernels=None
):
    """Forward pass, eq. (3.1): ``A[i] = sigma(A[i-1] @ W[i] + b[i])`` for i = 1..L.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (m, n_features)
        ``A[0]``, in the parameters' dtype.
    coefs, intercepts : lists of ndarray
        ``W[i]`` of shape ``(n_in, n_out)`` and ``b[i]`` of shape ``(n_out,)``.
    hidden_activation : str
        Key of :data:`~skbp._activations.HIDDEN_ACTIVATIONS`.
    output_activation : str or None
        Key of :data:`~skbp._activations.OUTPUT_ACTIVATIONS`; None leaves the
        output layer's pre-activations ``Z[L]`` (the logits).
    A : list of ndarray
        ``A[i]`` of shape ``(>= m, layer_units[i])`` for i = 1..L, overwritten.
    kernels : skbp._kernels.Kernels or None
        Compiled kernels (bias add and ReLU in one pass), or None for numpy.

    Returns
    -------
    ndarray of shape (m, n_outputs)
        A view of ``A[L][:m]``.
    """
    m = X.shape[0]
    n_layers = len(coefs)
    A_prev = X
    for i, (W, b) in enumerate(zip(coefs, intercepts), start=1):
        Z = _matmul_into(A_prev, W, A[i][:m])  # Z[i] = A[i-1] @ W[i] + b[i]
        # --- speed branch: bias add + activation (compiled kernel, optional)
        if kernels is not None and i < n_layers and hidden_activation == "relu":
            kernels.add_bias_relu(Z, b)  # A[i] = max(Z[i] + b[i], 0), one pass
            A_prev = Z
            continue
        # --- end speed branch
        Z += b
        if i < n_layers:
            HIDDEN_ACTIVATIONS[hidden_activation].apply(Z)  # A[i] = sigma(Z[i])
        elif output_activation is not None:
            OUTPUT_ACTIVATIONS[output_activation].apply(Z)
        A_prev = Z
    return A_prev


def predict_in_chunks(
    X, coefs, intercepts, hidden_activation, output_activation, chunk_rows
):
    """Forward pass over any number of rows with work buffers of ``chunk_rows`` rows.

    Rows of ``X`` are cast to the parameters' dtype one chunk at a time, so the
    extra memory is bounded whatever ``X.shape[0]``.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), in the parameters' dtype.
    """
    dtype = coefs[0].dtype
    n_samples = X.shape[0]
    chunk_rows = max(1, min(int(chunk_rows), n_samples))
    A = [None] + [np.empty((chunk_rows, W.shape[1]), dtype) for W in coefs]
    out = np.empty((n_samples, coefs[-1].shape[1]), dtype)
    for start in range(0, n_samples, chunk_rows):
        rows = slice(start, start + chunk_rows)
        X_chunk = X[rows].astype(dtype, copy=False)
        out[rows] = forward_pass(
            X_chunk, coefs, intercepts, hidden_activation, output_activation, A
        )
    return out


class LayerStack:
    """A dense feed-forward network with its parameters in one flat vector.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    hidden_activation : str
        Key of :data:`~skbp._activations.HIDDEN_ACTIVATIONS`.
    output_activation : str
        Key of :data:`~skbp._activations.OUTPUT_ACTIVATIONS`.
    dtype : numpy float dtype
        dtype of the parameters and of every buffer.
    """

    def __init__(self, layer_units, hidden_activation, output_activation, dtype):
        self.layer_units = [int(n) for n in layer_units]
        self.hidden_activation = HIDDEN_ACTIVATIONS[hidden_activation]
        self.output_activation = OUTPUT_ACTIVATIONS[output_activation]
        self.dtype = np.dtype(dtype)
        self.weight_shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.n_weights = sum(n_in * n_out for n_in, n_out in self.weight_shapes)
        self.n_params = self.n_weights + sum(self.layer_units[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs, self.intercepts = self.split(self.params)

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
        the same initial network as scikit-learn's MLP.
        """
        factor = 2.0 if self.hidden_activation.name == "logistic" else 6.0
        for W, b in zip(self.coefs, self.intercepts):
            bound = np.sqrt(factor / sum(W.shape))
            W[...] = random_state.uniform(-bound, bound, W.shape)
            b[...] = random_state.uniform(-bound, bound, b.shape)

    def forward(self, X, work):
        """Forward pass, eq. (3.1), for the ``m = X.shape[0]`` rows of ``X``.

        Fills ``work.A[1..L][:m]`` and returns the output ``A[L][:m]``.
        """
        return forward_pass(
            X,
            self.coefs,
            self.intercepts,
            self.hidden_activation.name,
            self.output_activation.name,
            work.A,
            work.kernels,  # speed branch
        )

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
        A = [X] + [a[:m] for a in work.A[1:]]
        Delta = [None] + [d[:m] for d in work.Delta[1:]]
        grad_W, grad_b = work.grad_coefs, work.grad_intercepts
        L = self.n_layers

        self.forward(X, work)
        if sample_weight is None:
            total_weight = float(m)
            sample_scale = 1.0 / m
        else:
            total_weight = float(sample_weight.sum())
            sample_scale = (sample_weight / total_weight)[:, np.newaxis]
        weights = self.params[: self.n_weights]
        penalty_scale = float(alpha / total_weight)  # speed branch: a Python float
        work.penalty_scale = penalty_scale  # speed branch: for work.defer_penalty
        penalty = 0.5 * penalty_scale * float(np.dot(weights, weights))
        cost = loss.value(Y, A[L], sample_weight) + penalty

        multiply_by_derivative = self.hidden_activation.multiply_by_derivative
        if work.kernels is not None and self.hidden_activation.name == "relu":
            multiply_by_derivative = work.kernels.relu_derivative  # speed branch

        loss.output_delta(Y, A[L], out=Delta[L])  # BP1: Delta[L] = A[L] - Y ...
        Delta[L] *= sample_scale  # ... per sample, scaled to the batch mean
        for i in range(L, 0, -1):
            np.sum(Delta[i], axis=0, out=grad_b[i - 1])  # BP2
            _matmul_into(A[i - 1].T, Delta[i], grad_W[i - 1])  # BP3 ...
            # ... plus the L2 penalty's gradient (weights only), unless the
            # optimizer adds it fused with its update (speed branch)
            if alpha and not work.defer_penalty:
                W_scaled = np.multiply(
                    self.coefs[i - 1], penalty_scale, out=work.scratch_coefs[i - 1]
                )
                grad_W[i - 1] += W_scaled
            if i > 1:
                np.matmul(Delta[i], self.coefs[i - 1].T, out=Delta[i - 1])  # BP4 ...
                multiply_by_derivative(A[i - 1], Delta[i - 1])
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
    grad : ndarray of shape (n_params,)
        Flat gradient; ``grad_coefs`` / ``grad_intercepts`` are views into it.
    scratch_coefs : list of ndarray
        Per-layer temporaries of the weights' shapes, for the penalty's gradient.
    kernels : skbp._kernels.Kernels or None
        The compiled kernels chosen for this fit by ``skbp.config_context``'s
        ``kernels`` setting (read once, here), or None for numpy.
    defer_penalty : bool
        If True, :meth:`LayerStack.backprop` leaves the L2 penalty's gradient
        out of ``grad`` and records ``penalty_scale`` (``alpha / sum(w)``) for
        the optimizer, which adds it fused with its update.
    """

    def __init__(self, stack, n_rows, defer_penalty=False):
        units = stack.layer_units
        self.n_rows = n_rows
        self.A = [None] + [np.empty((n_rows, n), stack.dtype) for n in units[1:]]
        self.Delta = [None] + [np.empty((n_rows, n), stack.dtype) for n in units[1:]]
        self.grad = np.zeros(stack.n_params, stack.dtype)
        self.grad_coefs, self.grad_intercepts = stack.split(self.grad)
        self.scratch_coefs, _ = stack.split(np.empty(stack.n_params, stack.dtype))
        # speed branch
        self.kernels = resolve_kernels(stack.n_params)
        self.defer_penalty = defer_penalty
        self.penalty_scale = 0.0
