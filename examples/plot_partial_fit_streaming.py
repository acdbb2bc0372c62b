"""
Streaming a dataset from disk through partial_fit
=================================================

A dataset too large to load at once can be trained on in chunks: ``partial_fit`` runs
one epoch over the rows it is given and keeps the optimizer state between calls. Here
the "large" dataset is a ``numpy.memmap`` file in a temporary directory, written chunk
by chunk and read back chunk by chunk, so at no point is more than one chunk of it an
in-memory array.
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from skbp import MLPBackpropClassifier

n_rows, n_features, chunk_rows = 60_000, 40, 5_000
classes = np.arange(5)


# %%
# Write the data to disk, one chunk at a time. (The example generates it in memory
# first, to keep the code short; real data would arrive from a file or a database.)
# The last 5,000 rows are kept aside as a held-out set.
X_full, y_full = make_classification(
    n_samples=n_rows + 5_000,
    n_features=n_features,
    n_informative=12,
    n_classes=len(classes),
    random_state=0,
)
X_test, y_test = X_full[n_rows:], y_full[n_rows:]

tmp = tempfile.TemporaryDirectory()
X_path, y_path = Path(tmp.name) / "X.dat", Path(tmp.name) / "y.dat"
X_disk = np.memmap(X_path, dtype=np.float32, mode="w+", shape=(n_rows, n_features))
y_disk = np.memmap(y_path, dtype=np.int64, mode="w+", shape=(n_rows,))
for start in range(0, n_rows, chunk_rows):
    X_disk[start : start + chunk_rows] = X_full[start : start + chunk_rows]
    y_disk[start : start + chunk_rows] = y_full[start : start + chunk_rows]
X_disk.flush()
y_disk.flush()
del X_disk, y_disk, X_full, y_full
print(f"on disk: {X_path.stat().st_size / 2**20:.1f} MiB of features")

# %%
# Train: reopen the files read-only and feed them chunk by chunk, several passes.
X_disk = np.memmap(X_path, dtype=np.float32, mode="r", shape=(n_rows, n_features))
y_disk = np.memmap(y_path, dtype=np.int64, mode="r", shape=(n_rows,))
clf = MLPBackpropClassifier(hidden_layer_sizes=(64,), random_state=0)
seen, accuracy = [], []
for epoch in range(3):
    for start in range(0, n_rows, chunk_rows):
        X_chunk = np.asarray(X_disk[start : start + chunk_rows])
        y_chunk = np.asarray(y_disk[start : start + chunk_rows])
        clf.partial_fit(X_chunk, y_chunk, classes=classes)
        seen.append(clf.t_)
        accuracy.append(clf.score(X_test, y_test))
    print(f"pass {epoch + 1}: held-out accuracy {accuracy[-1]:.4f}")
del X_disk, y_disk
tmp.cleanup()

# %%
# The learning curve: held-out accuracy after every chunk.
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(seen, accuracy, marker=".")
for boundary in range(1, 3):
    ax.axvline(boundary * n_rows, color="grey", linestyle=":")
ax.set(
    xlabel="training rows seen (t_)",
    ylabel="held-out accuracy",
    title="partial_fit on a memmap, one chunk at a time",
)
fig.tight_layout()
plt.show()
