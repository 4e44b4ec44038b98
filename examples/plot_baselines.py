"""
Classical baselines against the AWD-CNN-LSTM
============================================

The paper compares its model with SVM, random forest and KNN. Here the four
classical detectors of :func:`awdids.evaluation.make_baselines` and the
AWD-CNN-LSTM (preprocess, PCA(80), classifier; no over-sampling) are trained on
the same stratified 20,000-record subset of KDDTrain+ and scored once on all of
KDDTest+. ``awdids reproduce`` does this on all the training rows, over seeds,
with more models.

Needs the NSL-KDD files: set ``AWDIDS_DATA`` to their folder (``awdids fetch``).
"""

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from awdids import AWDConvLSTMClassifier
from awdids.datasets import CATEGORY_NAMES, fetch_nsl_kdd
from awdids.evaluation import evaluate_models, make_baselines
from awdids.preprocessing import make_nsl_kdd_preprocessor

X_train, y_train = fetch_nsl_kdd("train", return_X_y=True)
X_test, y_test = fetch_nsl_kdd("test", return_X_y=True)
X_train, _, y_train, _ = train_test_split(
    X_train, y_train, train_size=20_000, stratify=y_train, random_state=0
)

models = make_baselines(random_state=0)
models["AWD-CNN-LSTM"] = make_pipeline(
    make_nsl_kdd_preprocessor(),
    PCA(n_components=80, random_state=0),
    AWDConvLSTMClassifier(max_epochs=10, random_state=0),
)
results = evaluate_models(
    models, X_train, y_train, X_test, y_test, labels=CATEGORY_NAMES, log=print
)

# %%
# Accuracy and F1 on KDDTest+
# ---------------------------
# Macro F1 weighs the rare R2L and U2R classes as much as the common ones; the
# per-class F1 of those two shows where the detectors differ.

table = pd.DataFrame(
    {
        name: {
            "accuracy": scores["accuracy"],
            "macro F1": scores["macro_f1"],
            "R2L F1": scores["per_class"]["r2l"]["f1"],
            "U2R F1": scores["per_class"]["u2r"]["f1"],
            "fit s": scores["fit_seconds"],
        }
        for name, scores in results.items()
    }
).T
print(table.round(4).to_string())

ax = table[["accuracy", "macro F1", "R2L F1", "U2R F1"]].plot.barh(figsize=(8, 5))
ax.set_xlabel("score on KDDTest+")
ax.set_xlim(0, 1)
ax.set_title("Trained on 20,000 KDDTrain+ records")
plt.tight_layout()
plt.show()
