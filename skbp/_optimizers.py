"""Stochastic optimizers that update one flat parameter vector in place.

Each optimizer keeps its state (velocity, moments) as flat vectors of the same
layout as :attr:`skbp._network.LayerStack.params`, so a step is a handful of
whole-vector operations with no per-layer loop and no allocation. The update
rules and learning-rate schedules are scikit-learn's, so that trajectories
match it.

Protocol used by the training loop:

* ``step(params, grad, n_weights=0, penalty_scale=0.0, kernels=None)`` after
  every mini-batch: adds the L2 penalty's gradient ``penalty_scale * W`` to the
  weights' part ``grad[:n_weights]`` (the biases are not penalised), then
  updates ``params``. With ``kernels`` (a :class:`skbp._kernels.Kernels`, chosen
  once per fit) the penalty and the update run as one compiled pass, with the
  same result; this numpy code is the reference;
* ``end_epoch(n_samples_seen)`` after every epoch (learning-rate schedules);
* ``on_plateau(message, verbose) -> bool`` when the loss (or validation
  score) stopped improving: True means stop training.

The updates use numpy's in-place ufuncs rather than scipy's BLAS axpy/scal:
scipy ships its own OpenBLAS, whose thread pool fights numpy's for the cores
(measured: a 2-thread fit 25x slower), while a fused axpy saves only one pass.
"""

import math

import numpy as np


class _Optimizer:
    def __init__(self, n_params, dtype, learning_rate_init):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self._scratch = np.empty(n_params, dtype)

    def fits(self, params):
        """Whether this optimizer's state is sized and typed for ``params``."""
        return (
            self._scratch.shape == params.shape and self._scratch.dtype == params.dtype
        )

    def __getstate__(self):
        # The scratch buffer holds no state: do not pickle it.
        state = dict(vars(self))
        state["_scratch"] = (state["_scratch"].shape, state["_scratch"].dtype.str)
        return state

    def __setstate__(self, state):
        shape, dtype = state["_scratch"]
        vars(self).update(state)
        self._scratch = np.empty(shape, np.dtype(dtype))

    def continue_from(self, previous):
        """Take over the running state of ``previous``, keeping this one's settings.

        ``previous`` is an optimizer of the same class that :meth:`fits` the
        same parameters. Its moments (and the schedule's position, unless the
        initial learning rate changed) carry on under this optimizer's
        hyperparameters: ``set_params`` between ``partial_fit`` calls takes
        effect without restarting the optimizer.
        """
        for name in self._running_state:
            setattr(self, name, getattr(previous, name))
        if previous.learning_rate_init == self.learning_rate_init:
            self.learning_rate = previous.learning_rate
        return self

    def _add_penalty(self, params, grad, n_weights, penalty_scale):
        """``grad[:n_weights] += penalty_scale * params[:n_weights]`` (L2 penalty)."""
        if penalty_scale:
            w = slice(0, n_weights)
            grad[w] += np.multiply(params[w], penalty_scale, out=self._scratch[w])

    def end_epoch(self, n_samples_seen):
        """Hook for schedules; ``n_samples_seen`` is the estimator's ``t_``."""

    def on_plateau(self, message, verbose):
        """No schedule to lower: stop."""
        if verbose:
            print(message + " Stopping.")
        return True


class SGD(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum and schedules.

    ``velocity = momentum * velocity - lr * grad``; the step is ``velocity``,
    or ``momentum * velocity - lr * grad`` with Nesterov's momentum.

    Schedules: ``'constant'``; ``'invscaling'``, ``lr = lr_init / (t + 1) ** power_t``
    with ``t`` the number of samples seen, updated after each epoch;
    ``'adaptive'``, ``lr /= 5`` at each plateau, stopping once ``lr <= 1e-6``.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        super().__init__(n_params, dtype, learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.power_t = float(power_t)
        self.velocity = np.zeros(n_params, dtype)

    _running_state = ("velocity",)

    def step(self, params, grad, n_weights=0, penalty_scale=0.0, kernels=None):
        """One update of ``params`` (n_params,) given ``grad`` (n_params,)."""
        if kernels is not None:
            kernels.sgd_step(
                params,
                grad,
                self.velocity,
                n_weights,
                penalty_scale,
                (self.learning_rate, self.momentum, self.nesterov),
            )
            return
        self._add_penalty(params, grad, n_weights, penalty_scale)
        lr_grad = np.multiply(grad, self.learning_rate, out=self._scratch)
        self.velocity *= self.momentum
        self.velocity -= lr_grad
        if self.nesterov:
            params -= lr_grad
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity

    def end_epoch(self, n_samples_seen):
        if self.schedule == "invscaling":
            self.learning_rate = (
                self.learning_rate_init / (n_samples_seen + 1) ** self.power_t
            )

    def on_plateau(self, message, verbose):
        if self.schedule != "adaptive":
            return super().on_plateau(message, verbose)
        if self.learning_rate <= 1e-6:
            if verbose:
                print(message + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(message + f" Setting learning rate to {self.learning_rate:f}")
        return False


class Adam(_Optimizer):
    """Adam (Kingma and Ba, 2014) with scikit-learn's bias correction.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``,
    ``params -= lr_t * m / (sqrt(v) + eps)`` with
    ``lr_t = lr_init * sqrt(1 - b2**t) / (1 - b1**t)``, ``t`` counting steps.

    The moments are stored divided by ``1 - beta`` (``m_s = m / (1 - b1)``,
    ``v_s = v / (1 - b2)``), which turns their updates into
    ``m_s = b1 m_s + g`` and ``v_s = b2 v_s + g**2`` and the step into
    ``c * m_s / (sqrt(v_s) + eps / sqrt(1 - b2))`` with
    ``c = (1 - b1) / sqrt(1 - b2)``: the same update in ten passes over the
    vectors instead of twelve.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        super().__init__(n_params, dtype, learning_rate_init)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.scaled_first_moment = np.zeros(n_params, dtype)
        self.scaled_second_moment = np.zeros(n_params, dtype)

    _running_state = ("t", "scaled_first_moment", "scaled_second_moment")

    def step(self, params, grad, n_weights=0, penalty_scale=0.0, kernels=None):
        """One update of ``params`` (n_params,) given ``grad`` (n_params,)."""
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        # Python floats, so that numpy computes in the vectors' dtype (float32
        # stays float32) and the compiled kernels can do the same.
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        eps_s = self.epsilon / math.sqrt(1 - b2)
        c = self.learning_rate * (1 - b1) / math.sqrt(1 - b2)
        if kernels is not None:
            kernels.adam_step(
                params,
                grad,
                self.scaled_first_moment,
                self.scaled_second_moment,
                n_weights,
                penalty_scale,
                (b1, b2, eps_s, c),
            )
            return
        self._add_penalty(params, grad, n_weights, penalty_scale)
        m_s, v_s, tmp = (
            self.scaled_first_moment,
            self.scaled_second_moment,
            self._scratch,
        )
        m_s *= b1
        m_s += grad
        v_s *= b2
        v_s += np.multiply(grad, grad, out=tmp)
        np.sqrt(v_s, out=tmp)
        tmp += eps_s
        np.divide(m_s, tmp, out=tmp)
        tmp *= c
        params -= tmp
