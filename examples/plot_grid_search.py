"""
GridSearchCV over the whole pipeline
====================================

Hyperparameters are chosen on KDDTrain+ only, by cross-validation; KDDTest+ is
scored once, with the chosen setting. The pipeline is an imbalanced-learn
pipeline, so the GP-GAN over-samples the training folds only and every
validation score is computed on real rows. With ``memory=`` the fitted
preprocessor and GAN are cached: a search over classifier parameters trains one
GAN per fold, not one per candidate.

To keep it short (its run time is on the execution-times page) this runs on a
stratified 6,000-record subset (plus all 52 U2R records, so that every training
fold has some for the GAN to learn from) with tiny budgets.

Needs the NSL-KDD files: set ``AWDIDS_DATA`` to their folder (``awdids fetch``).
"""

import tempfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from awdids import make_awdids_pipeline
from awdids.datasets import fetch_nsl_kdd

X_train, y_train = fetch_nsl_kdd("train", return_X_y=True)
X_test, y_test = fetch_nsl_kdd("test", return_X_y=True)
u2r = np.flatnonzero(y_train == "u2r")
others = np.flatnonzero(y_train != "u2r")
subset, _ = train_test_split(
    others, train_size=6_000, stratify=y_train.iloc[others], random_state=0
)
X_train = X_train.iloc[np.r_[subset, u2r]]
y_train = y_train.iloc[np.r_[subset, u2r]]

cache = tempfile.TemporaryDirectory()
pipe = make_awdids_pipeline(
    random_state=0,
    memory=cache.name,
    oversample__sampling_strategy={"u2r": 300, "r2l": 300},
    oversample__epochs=4,
    clf__max_epochs=4,
    clf__hidden_channels=8,
)
search = GridSearchCV(
    pipe,
    {"clf__weight_drop": [0.0, 0.3], "pca__n_components": [40, 80]},
    cv=StratifiedKFold(n_splits=2, shuffle=True, random_state=0),
    scoring="f1_macro",
    error_score="raise",
)
search.fit(X_train, y_train)
print("best on the training folds:", search.best_params_)

# %%
# The cross-validated scores
# --------------------------
# One row per candidate; the chosen one is refitted on the whole subset.

scores = pd.DataFrame(search.cv_results_)
scores = scores.pivot_table(
    index="param_pca__n_components",
    columns="param_clf__weight_drop",
    values="mean_test_score",
).astype(float)
print(scores.round(4))
ax = scores.plot.bar(rot=0, figsize=(6, 4))
ax.set_xlabel("PCA components")
ax.set_ylabel("cross-validated macro F1")
ax.legend(title="weight_drop")
plt.tight_layout()
plt.show()

# %%
# Scored once on KDDTest+
# -----------------------

y_pred = search.predict(X_test)
test_f1 = f1_score(y_test, y_pred, average="macro")
print(f"KDDTest+ macro F1 of the chosen setting: {test_f1:.4f}")
cache.cleanup()
