"""LossCurveDisplay: a fitted MLP's loss per epoch, scikit-learn's Display style.

matplotlib is imported only when something is plotted (``pip install skbp[plot]``),
so ``import skbp`` never imports it.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "LossCurveDisplay needs matplotlib; install it with "
            "`pip install skbp[plot]` (or `pip install matplotlib`)."
        ) from exc
    return plt


class LossCurveDisplay:
    """Training loss curve of a fitted MLP (and its validation scores, if any).

    Build it with :meth:`from_estimator`; the constructor only stores the
    data, :meth:`plot` draws it. Works with every solver: the stochastic
    solvers record one loss per epoch, 'lbfgs' one per iteration (an skbp
    extension; scikit-learn's MLP records none for L-BFGS). Also accepts
    scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` fitted by 'sgd' or
    'adam'.

    Parameters
    ----------
    loss_curve : array-like of shape (n_iter,)
        Training loss after each epoch (or L-BFGS iteration).
    validation_scores : array-like of shape (n_iter,) or None, default=None
        Validation score after each epoch (under early stopping).
    estimator_name : str or None, default=None
        Name shown in the legend.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The training loss curve.
    validation_line_ : matplotlib.lines.Line2D or None
        The validation score curve, on a second y axis; None without
        validation scores.
    ax_ : matplotlib.axes.Axes
        Axes of the loss curve.
    ax_validation_ : matplotlib.axes.Axes or None
        Second y axis (sharing ``ax_``'s x axis) of the validation scores;
        None without validation scores.
    figure_ : matplotlib.figure.Figure
        Figure containing the curves.

    See Also
    --------
    LossCurveDisplay.from_estimator : Plot the loss curve of a fitted estimator.

    Examples
    --------
    A display built from recorded curves (``from_estimator`` reads them off
    a fitted estimator):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skbp import LossCurveDisplay
    >>> display = LossCurveDisplay(
    ...     loss_curve=[0.9, 0.5, 0.3], validation_scores=[0.6, 0.8, 0.85]
    ... ).plot()
    >>> len(display.line_.get_xdata()), display.ax_validation_ is not None
    (3, True)
    """

    def __init__(self, *, loss_curve, validation_scores=None, estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.estimator_name = estimator_name

    def plot(self, ax=None, **kwargs):
        """Plot the curves.

        Draws the training loss against the epoch (or L-BFGS iteration) on
        ``ax``, and the validation scores, when there are any, on a second y
        axis sharing ``ax``'s x axis.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure and axes are created if None.
        **kwargs : dict
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the training loss curve (for example ``color`` or ``label``).

        Returns
        -------
        display : LossCurveDisplay
            This object, with its artists stored in ``line_``, ``ax_`` and
            ``figure_`` (and ``validation_line_``, ``ax_validation_``).

        See Also
        --------
        LossCurveDisplay.from_estimator : Build the display from a fitted estimator.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skbp import LossCurveDisplay
        >>> display = LossCurveDisplay(loss_curve=[1.0, 0.5, 0.25]).plot(color="k")
        >>> display.ax_.get_ylabel()
        'Training loss'
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        loss_curve = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss_curve) + 1)
        kwargs.setdefault("label", self.estimator_name or "training loss")
        (self.line_,) = ax.plot(epochs, loss_curve, **kwargs)
        ax.set_xlabel("Epoch (L-BFGS: iteration)")
        ax.set_ylabel("Training loss")

        self.validation_line_ = None
        self.ax_validation_ = None
        if self.validation_scores is not None:
            scores = np.asarray(self.validation_scores, dtype=float)
            self.ax_validation_ = ax.twinx()
            (self.validation_line_,) = self.ax_validation_.plot(
                np.arange(1, len(scores) + 1),
                scores,
                color="tab:orange",
                linestyle="--",
                label="validation score",
            )
            self.ax_validation_.set_ylabel("Validation score")
            lines = [self.line_, self.validation_line_]
            ax.legend(lines, [line.get_label() for line in lines], loc="center right")
        else:
            ax.legend(loc="upper right")

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot the loss curve of a fitted MLP.

        Reads ``loss_curve_`` (and ``validation_scores_``, when early stopping
        recorded them) from the estimator and draws them with :meth:`plot`.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~skbp.MLPBackpropClassifier`,
            :class:`~skbp.MLPBackpropRegressor` (any solver), or a
            scikit-learn MLP fitted by 'sgd' or 'adam'.
        ax : matplotlib.axes.Axes, default=None
            Axes to draw on; a new figure and axes are created if None.
        **kwargs : dict
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the training loss curve.

        Returns
        -------
        display : LossCurveDisplay
            The display, with its artists drawn.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``estimator`` is not fitted.

        See Also
        --------
        LossCurveDisplay.plot : Draw a display built from data.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from skbp import LossCurveDisplay, MLPBackpropClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPBackpropClassifier(solver="lbfgs", max_iter=15, random_state=0)
        >>> display = LossCurveDisplay.from_estimator(clf.fit(X, y))
        >>> display.validation_line_ is None
        True
        """
        check_is_fitted(estimator)
        loss_curve = getattr(estimator, "loss_curve_", None)
        if loss_curve is None:
            raise ValueError(
                f"{type(estimator).__name__} has no loss_curve_ (scikit-learn's MLP "
                "records none under solver='lbfgs'; skbp's estimators do)."
            )
        display = cls(
            loss_curve=loss_curve,
            validation_scores=getattr(estimator, "validation_scores_", None),
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax=ax, **kwargs)
