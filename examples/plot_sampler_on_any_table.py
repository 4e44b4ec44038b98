"""
GPGANSampler and AWDConvLSTMClassifier on a table that is not NSL-KDD
=====================================================================

Both estimators work on any numeric table. Here a scikit-learn
``make_classification`` problem with a rare class is over-sampled with the
GP-GAN and with SMOTE; the synthetic rows are judged with
:func:`awdids.evaluation.synthetic_quality` and the classifier is trained on
each resampled set.
"""

import matplotlib.pyplot as plt
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from awdids import AWDConvLSTMClassifier, GPGANSampler
from awdids.evaluation import synthetic_quality

X, y = make_classification(
    n_samples=4_000,
    n_features=16,
    n_informative=8,
    weights=[0.95, 0.05],
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

samplers = {
    "GP-GAN": GPGANSampler(random_state=0),
    "SMOTE": SMOTE(random_state=0),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True, sharey=True)
projection = PCA(2).fit(X_train)
for ax, (name, sampler) in zip(axes, samplers.items()):
    X_res, y_res = sampler.fit_resample(X_train, y_train)
    real, synthetic = X_train[y_train == 1], X_res[len(X_train) :]
    quality = synthetic_quality(real, synthetic, random_state=0)
    clf = AWDConvLSTMClassifier(max_epochs=10, random_state=0).fit(X_res, y_res)
    f1 = f1_score(y_test, clf.predict(X_test))
    print(
        f"{name}: two-sample AUC {quality['two_sample_auc']:.3f}, "
        f"minority F1 after training on it {f1:.3f}"
    )
    for rows, label in ((real, "real minority"), (synthetic, "synthetic")):
        points = projection.transform(rows)
        ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.5, label=label)
    ax.set_title(f"{name} (two-sample AUC {quality['two_sample_auc']:.2f})")
    ax.legend()
plt.show()
