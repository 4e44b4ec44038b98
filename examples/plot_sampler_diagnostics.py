"""
Judging synthetic rows: GP-GAN, vanilla GAN and SMOTE
=====================================================

The R2L rows of KDDTrain+ (995 records, 122 preprocessed features) are grown by
2,000 synthetic rows with the WGAN-GP (the paper's GP-GAN), the vanilla GAN it
compares against in its Fig 7, and imbalanced-learn's SMOTE. Three pictures
judge them: the fit curve (RMSE of per-feature means and standard deviations),
the measures of :func:`awdids.evaluation.synthetic_quality` (a random forest's
two-sample ROC AUC, exact copies, distinct rows) and a 2-D PCA map of real and
synthetic rows. The GANs train for 500 generator steps here (the default is
1,000); ``benchmarks/bench_gpgan.py`` measures the same at the default budget.

Needs the NSL-KDD files: set ``AWDIDS_DATA`` to their folder (``awdids fetch``).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.decomposition import PCA

from awdids import GPGANSampler
from awdids.datasets import fetch_nsl_kdd
from awdids.evaluation import synthetic_quality
from awdids.preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups

X, y = fetch_nsl_kdd("train", return_X_y=True)
X = make_nsl_kdd_preprocessor().set_output(transform="default").fit_transform(X)
X = X.astype(np.float32)
y = y.to_numpy()
# A binary problem, R2L against a sample of everything else, keeps SMOTE fast.
rng = np.random.RandomState(0)
others = rng.choice(np.flatnonzero(y != "r2l"), 5_000, replace=False)
rows = np.r_[np.flatnonzero(y == "r2l"), others]
X, y = X[rows], np.where(y[rows] == "r2l", "r2l", "other")
real = X[y == "r2l"]
grow = {"r2l": len(real) + 2_000}

samplers = {
    "WGAN-GP": GPGANSampler(
        sampling_strategy=grow,
        discrete_groups=nsl_kdd_one_hot_groups(),
        epochs=20,
        random_state=0,
    ),
    "vanilla GAN": GPGANSampler(
        sampling_strategy=grow,
        loss="gan",
        discrete_groups=nsl_kdd_one_hot_groups(),
        epochs=20,
        random_state=0,
    ),
    "SMOTE": SMOTE(sampling_strategy=grow, random_state=0),
}
synthetic = {}
for name, sampler in samplers.items():
    X_res, _ = sampler.fit_resample(X, y)
    synthetic[name] = X_res[len(X) :]

# %%
# The fit curve of the two GANs
# -----------------------------

fig, ax = plt.subplots(figsize=(6, 4))
for name in ("WGAN-GP", "vanilla GAN"):
    ax.plot(samplers[name].history_["r2l"]["fit_rmse"], label=name)
ax.set_xlabel("epoch (25 generator steps)")
ax.set_ylabel("fit RMSE (means and stds)")
ax.set_yscale("log")
ax.legend()
plt.tight_layout()
plt.show()

# %%
# Can a random forest tell them from real rows?
# ---------------------------------------------
# 0.5 means it cannot; a low share of distinct rows means mode collapse.

quality = pd.DataFrame(
    {name: synthetic_quality(real, rows) for name, rows in synthetic.items()}
).T
print(quality.round(3).to_string())

# %%
# Real and synthetic rows on the first two principal components
# -------------------------------------------------------------

projection = PCA(2).fit(real)
fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharex=True, sharey=True)
real_points = projection.transform(real)
for ax, (name, rows) in zip(axes, synthetic.items()):
    points = projection.transform(rows)
    ax.scatter(*real_points.T, s=4, alpha=0.5, label="real R2L")
    ax.scatter(*points.T, s=4, alpha=0.3, label="synthetic")
    ax.set_title(f"{name} (AUC {quality.loc[name, 'two_sample_auc']:.2f})")
axes[0].legend()
plt.tight_layout()
plt.show()
