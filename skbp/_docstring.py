"""Shared numpydoc sections of the two estimators, and the decorator that fills them in.

The estimators' class docstrings are literal source (so that ``ast``, IDEs and
numpydoc's validation see them); a line holding only ``{name}`` is replaced
by the section ``name`` below, indented like that line.
"""

PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
    The ith element is the number of neurons in the ith hidden layer.

activation : str, Activation or list of them, default='relu'
    Activation function of the hidden layers: 'identity', 'logistic',
    'tanh', 'relu' (scikit-learn's), or *skbp extensions* 'leaky_relu'
    (slope 0.01 below 0), 'elu' (alpha 1), 'softplus', 'silu' (swish,
    ``z * logistic(z)``), 'gelu' (exact, ``z * Phi(z)`` with the normal CDF
    Phi), or a user-defined :class:`~skbp.Activation`. A list or tuple gives
    one per hidden layer (as many as ``hidden_layer_sizes`` has).

solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
    Weight optimization: 'lbfgs' (scipy's L-BFGS-B on the full batch),
    'sgd' (stochastic gradient descent with momentum), 'adam'.

alpha : float, default=0.0001
    Strength of the L2 penalty ``alpha / (2 * n) * sum ||W||^2`` (n is the
    batch size, or the batch's total sample weight); biases are not penalised.

batch_size : int or 'auto', default='auto'
    Mini-batch size for 'sgd' and 'adam'; 'auto' is ``min(200, n_samples)``.

learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
    Learning-rate schedule for solver='sgd'.

learning_rate_init : float, default=0.001
    Initial step size ('sgd' and 'adam').

power_t : float, default=0.5
    Exponent of the 'invscaling' schedule.

max_iter : int, default=200
    Maximum number of epochs ('sgd', 'adam') or of iterations ('lbfgs'),
    counted per call to ``fit``.

shuffle : bool, default=True
    Shuffle the samples every epoch ('sgd', 'adam').

random_state : int, RandomState instance or None, default=None
    Seeds the weight initialisation, shuffling and the early-stopping
    split. The same seed gives the same model, bit for bit, and the same
    initial weights as scikit-learn's MLP.

tol : float, default=1e-4
    Tolerance of the stopping criterion.

verbose : bool, default=False
    Print the loss (and the validation score) after every epoch.

warm_start : bool, default=False
    Continue from the current weights on the next ``fit``.

momentum : float, default=0.9
    Momentum of solver='sgd', in [0, 1].

nesterovs_momentum : bool, default=True
    Use Nesterov's momentum (solver='sgd' with momentum > 0).

early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the training data (stratified for
    single-label classification) and stop when its score stops improving;
    the best weights are restored at the end. 'sgd' and 'adam' only. Data too
    small to split (fewer than 2 validation samples, or no training sample
    left) is trained without early stopping, with a warning; ``partial_fit``
    never holds data out (as in scikit-learn). Both then stop on the
    training loss. A validation set of your own, ``fit(X, y, X_val=...,
    y_val=...)``, is monitored instead of a held-out part of X.

validation_fraction : float, default=0.1
    Share of the training data held out for early stopping, in (0, 1);
    ignored when ``fit`` is given ``X_val`` and ``y_val``.

beta_1, beta_2 : float, default=0.9, 0.999
    Decay rates of Adam's moment estimates, in [0, 1).

epsilon : float, default=1e-8
    Adam's numerical-stability constant.

n_iter_no_change : int, default=10
    Epochs without an improvement of ``tol`` before stopping ('sgd', 'adam').

max_fun : int, default=15000
    Maximum number of loss evaluations (solver='lbfgs').

dtype : {None, numpy.float32, numpy.float64}, default=None
    Floating-point type of the computation. None keeps the input's float
    dtype (float64 for integer input), as scikit-learn does; float32 trains
    in single precision even on float64 input, for speed. *skbp extension.*
"""

DROPOUT = """\
dropout : float or list of float, default=0.0
    Inverted dropout (an skbp extension): while training with 'sgd' or
    'adam', each unit of a hidden layer is dropped with this probability per
    mini-batch, and the units kept are scaled by ``1 / (1 - dropout)``;
    prediction uses the whole network. A float applies to every hidden layer,
    a list gives one rate per hidden layer, each in [0, 1). The masks come
    from ``random_state`` (the same seed, the same model); 0.0 is exactly
    training without dropout.
"""

ATTRIBUTES = """\
loss_ : float
    The loss at the end of training (last epoch for 'sgd' and 'adam').

best_loss_ : float or None
    Smallest training loss seen ('sgd' and 'adam'); None with early stopping.

loss_curve_ : list of float
    Loss after every epoch ('sgd', 'adam') or every iteration ('lbfgs';
    an skbp extension, scikit-learn records none for L-BFGS).

validation_scores_ : list of float or None
    Validation score after every epoch under early stopping, else None.

best_validation_score_ : float or None
    Best validation score under early stopping, else None.

t_ : int
    Number of training samples seen by the stochastic solvers.

coefs_ : list of ndarray of shape (n_in, n_out)
    Weight matrix of each layer.

intercepts_ : list of ndarray of shape (n_out,)
    Bias vector of each layer.

n_features_in_ : int
    Number of features seen during fit.

feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names.

n_iter_ : int
    Number of epochs (or L-BFGS iterations) run by the last call.

n_layers_ : int
    Number of layers, input and output included.

n_outputs_ : int
    Number of output units.

out_activation_ : str
    Name of the output activation.
"""


def fill_doc(**sections):
    """Class decorator: each docstring line ``{name}`` becomes ``sections[name]``."""

    def decorate(cls):
        lines = []
        for line in cls.__doc__.splitlines():
            key = line.strip()
            if key.startswith("{") and key.endswith("}") and key[1:-1] in sections:
                indent = line[: len(line) - len(line.lstrip())]
                text = sections[key[1:-1]]
                lines += [indent + row if row else row for row in text.splitlines()]
            else:
                lines.append(line)
        cls.__doc__ = "\n".join(lines)
        return cls

    return decorate
