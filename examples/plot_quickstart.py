"""
Quickstart: the paper's whole flow as one pipeline
==================================================

Preprocess raw NSL-KDD records (122 features), over-sample U2R and R2L with the
GP-GAN, reduce to 80 PCA components and classify with the AWD-CNN-LSTM -- one
``imblearn`` pipeline. To keep it short (its run time is on the execution-times
page) this example trains on a stratified 10,000-record subset with small
budgets; drop the ``*_subset`` lines and the budget arguments for the real thing.

Needs the NSL-KDD files: set ``AWDIDS_DATA`` to their folder (``awdids fetch``).
"""

import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay, classification_report
from sklearn.model_selection import train_test_split

from awdids import make_awdids_pipeline
from awdids.datasets import CATEGORY_NAMES, fetch_nsl_kdd

X_train, y_train = fetch_nsl_kdd("train", return_X_y=True)
X_test, y_test = fetch_nsl_kdd("test", return_X_y=True)
X_train_subset, _, y_train_subset, _ = train_test_split(
    X_train, y_train, train_size=10_000, stratify=y_train, random_state=0
)

pipe = make_awdids_pipeline(
    random_state=0,
    oversample__sampling_strategy={"u2r": 1_000, "r2l": 1_000},
    oversample__epochs=5,
    clf__max_epochs=5,
)
pipe.fit(X_train_subset, y_train_subset)
y_pred = pipe.predict(X_test)
print(classification_report(y_test, y_pred, digits=3, zero_division=0))

ConfusionMatrixDisplay.from_predictions(
    y_test, y_pred, labels=list(CATEGORY_NAMES), normalize="true", values_format=".2f"
)
plt.title("AWD-CNN-LSTM + GP-GAN on KDDTest+ (10k-record training subset)")
plt.show()
