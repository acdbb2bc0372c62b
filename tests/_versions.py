"""Skip markers for comparisons with scikit-learn features newer than its oldest
supported release.

skbp has every feature on every supported scikit-learn; only a test that
compares skbp with a scikit-learn feature which the installed scikit-learn
lacks is skipped, and the skip names the feature and the release that added it.
"""

import pytest
import sklearn
from packaging.version import Version

SKLEARN_VERSION = Version(Version(sklearn.__version__).base_version)


def requires_sklearn(version, reason):
    """Mark a test that needs scikit-learn >= `version` for `reason`."""
    return pytest.mark.skipif(
        SKLEARN_VERSION < Version(version),
        reason=f"compares with {reason}, added in scikit-learn {version} "
        f"(installed: {sklearn.__version__})",
    )


# scikit-learn's MLP took sample_weight and loss='poisson' in 1.7.
SKLEARN_SAMPLE_WEIGHT = requires_sklearn(
    "1.7", "sample_weight in MLPClassifier / MLPRegressor fit and partial_fit"
)
SKLEARN_POISSON = requires_sklearn("1.7", "MLPRegressor(loss='poisson')")
