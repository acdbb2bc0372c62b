"""Test configuration.

SCIPY_ARRAY_API must be set before scipy is imported for scikit-learn's
``check_array_api_input`` (array API dispatch on NumPy inputs) to run rather
than skip.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
