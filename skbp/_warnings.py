"""Warnings attributed to the user's line of code.

A warning raised deep inside a fit is only useful if it points at the line
that called ``fit``. Instead of a hard-coded ``stacklevel`` (which breaks as
soon as a call level is added or the estimator is called through a
``Pipeline`` or ``GridSearchCV``), :func:`warn` walks the stack to the first
frame outside skbp, scikit-learn and joblib, which is what Python 3.12's
``warnings.warn(..., skip_file_prefixes=...)`` does.
"""

import os
import sys
import warnings

import joblib
import sklearn

_LIBRARY_DIRS = tuple(
    os.path.dirname(module.__file__) + os.sep for module in (sklearn, joblib)
) + (os.path.dirname(__file__) + os.sep,)


def _user_stacklevel():
    """``stacklevel`` for ``warnings.warn`` called from :func:`warn`.

    Level 1 is :func:`warn`'s caller's frame as seen by ``warnings.warn``;
    count the frames up to the first one whose file lies outside the library
    directories.
    """
    frame = sys._getframe(2)  # the caller of warn()
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    return level


def warn(message, category=UserWarning):
    """``warnings.warn(message, category)`` attributed to the user's code."""
    warnings.warn(message, category, stacklevel=_user_stacklevel())
