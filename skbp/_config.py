"""skbp's runtime configuration: which backend runs the element-wise work.

Like scikit-learn's ``sklearn.set_config`` / ``config_context``, the settings
are per thread: a thread starts from the process-wide defaults, and
``config_context`` changes them for the calling thread only, until its block
ends. Estimators read the setting once at the start of each ``fit`` /
``partial_fit`` (not once per mini-batch).

This module imports nothing heavy: ``import skbp`` never imports numba.
"""

import threading
from contextlib import contextmanager

_KERNEL_CHOICES = ("auto", "numpy", "numba")

# Below this many parameters, "auto" stays on numpy: the one-off cost of
# importing numba and loading its compiled kernels (0.3-1 s, more on the first
# compile) is not paid back by the faster steps of a small network. Measured in
# ``_kernels``' module docstring.
AUTO_MIN_PARAMS = 100_000

_global_config = {"kernels": "auto"}
_thread_config = threading.local()


def _config():
    """This thread's settings (a copy of the process defaults on first use)."""
    if not hasattr(_thread_config, "settings"):
        _thread_config.settings = dict(_global_config)
    return _thread_config.settings


def get_config():
    """Retrieve skbp's current settings (for the calling thread).

    The settings are per thread, like scikit-learn's configuration; a fit
    reads them once, when it starts.

    Returns
    -------
    config : dict
        Keys are the parameters of :func:`set_config`.

    See Also
    --------
    config_context : Change the settings within a block.
    set_config : Change the settings.

    Examples
    --------
    >>> import skbp
    >>> skbp.get_config()["kernels"]
    'auto'
    """
    return dict(_config())


def set_config(kernels=None):
    """Set skbp's settings for the calling thread.

    The settings stay until changed again; :func:`config_context` changes
    them for a block only, which is usually what you want.

    Parameters
    ----------
    kernels : {"auto", "numpy", "numba"}, default=None
        Which code runs the element-wise work of a training step (optimizer
        update fused with the L2 penalty's gradient, activation derivatives,
        the forward pass's bias add and activation):

        - ``"numpy"``: the readable numpy reference, always available;
        - ``"numba"``: compiled kernels that fuse these passes; needs numba
          (``pip install "skbp[fast]"``), else fitting raises ImportError;
        - ``"auto"`` (the initial setting): numba when it is importable and the
          network has at least 100,000 parameters, numpy otherwise, so that small
          problems never import numba nor compile anything.

        Both backends give the same results, to a few units in the last place
        (bit for bit for the optimizer updates). None leaves the setting
        unchanged.

    See Also
    --------
    config_context : Change the settings within a block.
    get_config : Retrieve the current settings.

    Examples
    --------
    >>> import skbp
    >>> skbp.set_config(kernels="numpy")
    >>> skbp.get_config()["kernels"]
    'numpy'
    >>> skbp.set_config(kernels="auto")
    """
    if kernels is not None:
        if kernels not in _KERNEL_CHOICES:
            raise ValueError(
                f"kernels must be one of {_KERNEL_CHOICES}, got {kernels!r}."
            )
        _config()["kernels"] = kernels


@contextmanager
def config_context(*, kernels=None):
    """Context manager that changes skbp's settings within a block.

    The previous settings are restored when the block exits, also on an
    exception. Only the calling thread is affected.

    Parameters
    ----------
    kernels : {"auto", "numpy", "numba"}, default=None
        See :func:`set_config`. None leaves the setting unchanged.

    Yields
    ------
    None

    See Also
    --------
    get_config : Retrieve the current settings.
    set_config : Change the settings.

    Examples
    --------
    >>> import numpy as np
    >>> import skbp
    >>> X, y = np.random.default_rng(0).normal(size=(50, 3)), np.arange(50) % 2
    >>> with skbp.config_context(kernels="numpy"):
    ...     clf = skbp.MLPBackpropClassifier(max_iter=5).fit(X, y)
    """
    previous = get_config()
    set_config(kernels=kernels)
    try:
        yield
    finally:
        _config().update(previous)


def resolve_kernels(n_params):
    """The compiled kernels to use for a network of ``n_params``, or None for numpy.

    Called once per fit. Raises ImportError if ``kernels="numba"`` is set and
    numba cannot be imported.
    """
    choice = _config()["kernels"]
    if choice == "numpy":
        return None
    if choice == "auto":
        if n_params < AUTO_MIN_PARAMS or not _numba_available():
            return None
    from . import _kernels

    return _kernels.load()


def _numba_available():
    """Whether numba is importable, without importing it."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None
