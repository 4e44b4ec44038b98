"""Matplotlib figures of ``awdids reproduce``; each is saved to a PNG.

Figures are drawn on :class:`matplotlib.figure.Figure` objects and saved
directly, without pyplot: no backend is selected or changed, and nothing is
left open. matplotlib is imported when the first figure is drawn, so importing
awdids needs no matplotlib (``pip install "awdids[plot]"`` brings it).
"""

import numpy as np

from .._io import atomic_path

__all__ = [
    "draw_figures",
    "plot_pca_variance",
    "plot_gan_convergence",
    "plot_model_metrics",
    "plot_detection_time",
    "plot_confusion_matrix",
    "plot_novel_detection",
]


def _figure(figsize):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "awdids draws its figures with matplotlib, which is not installed: "
            'pip install "awdids[plot]"'
        ) from None
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _save(fig, path):
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")


def plot_pca_variance(
    explained_variance_ratio, n_components, path, *, train="KDDTrain+"
):
    """Fig 4: cumulative explained variance of PCA over the preprocessed features."""
    cumulative = np.cumsum(explained_variance_ratio)
    fig, ax = _figure((6, 4))
    ax.plot(np.arange(1, len(cumulative) + 1), cumulative, color="C0")
    mark = cumulative[n_components - 1]
    ax.axvline(n_components, color="C3", linestyle="--")
    ax.annotate(
        f"{n_components} components: {mark:.4f}",
        (n_components, mark),
        xytext=(10, -30),
        textcoords="offset points",
        arrowprops={"arrowstyle": "->"},
    )
    ax.set(
        xlabel="number of components",
        ylabel="cumulative explained variance",
        title=f"PCA on the {len(cumulative)} preprocessed features ({train})",
    )
    ax.grid(alpha=0.3)
    _save(fig, path)


def plot_gan_convergence(histories, path):
    """Fig 7: fit RMSE per epoch, one line per (loss, class)."""
    fig, ax = _figure((6, 4))
    for (loss, label), history in histories.items():
        rmse = history["fit_rmse"]
        ax.plot(np.arange(1, len(rmse) + 1), rmse, label=f"{loss} / {label}")
    ax.set(
        xlabel="epoch",
        ylabel="fit RMSE (means and std devs)",
        title="GAN vs WGAN-GP convergence",
        yscale="log",
    )
    ax.legend()
    ax.grid(alpha=0.3)
    _save(fig, path)


def plot_model_metrics(
    summary,
    path,
    metrics=("accuracy", "macro_f1", "weighted_f1"),
    *,
    test="KDDTest+",
):
    """Fig 8: mean (and std over seeds) of each metric for every model."""
    names = list(summary)
    x = np.arange(len(names))
    width = 0.8 / len(metrics)
    fig, ax = _figure((max(8, len(names) * 0.9), 4.5))
    for k, metric in enumerate(metrics):
        means = [summary[n][metric]["mean"] for n in names]
        stds = [summary[n][metric]["std"] for n in names]
        ax.bar(x + k * width, means, width, yerr=stds, capsize=2, label=metric)
    ax.set_xticks(x + width * (len(metrics) - 1) / 2, names, rotation=30, ha="right")
    ax.set(ylim=(0, 1), ylabel=f"score on {test}", title="Metrics of every model")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    _save(fig, path)


def plot_detection_time(summary, path, *, test="KDDTest+"):
    """Fig 9: microseconds per test record for every model."""
    names = list(summary)
    times = [summary[n]["predict_us_per_row"]["mean"] for n in names]
    fig, ax = _figure((7, 4))
    ax.barh(names, times, color="C2")
    ax.set(
        xscale="log",
        xlabel="detection time per record (microseconds, log)",
        title=f"Detection time on {test}",
    )
    ax.grid(axis="x", alpha=0.3)
    _save(fig, path)


def plot_confusion_matrix(matrix, labels, title, path):
    """Confusion matrix with row-normalised colours and raw counts."""
    matrix = np.asarray(matrix)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = _figure((5, 4.5))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if shares[i, j] > 0.5 else "black"
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=color)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    _save(fig, path)


def plot_novel_detection(curves, path, max_normal_flagged=0.2, *, test="KDDTest+"):
    """Novel-type attack rows flagged against normal rows flagged, per model.

    Each line follows a model's attack score over thresholds (seed 0); the
    marker is where its own predictions operate.
    """
    from matplotlib import colormaps

    palette = colormaps["tab20"].colors
    fig, ax = _figure((7, 5))
    for k, (name, curve) in enumerate(curves.items()):
        # the dark shade of each of tab20's pairs first, then the light ones
        color = palette[(2 * k) % 20 + (2 * k) // 20 % 2]
        ax.plot(
            curve["normal_flagged"],
            curve["novel_flagged"],
            color=color,
            label=name,
            linewidth=1.2,
        )
        ax.plot(*curve["operating_point"], "o", color=color, markersize=6)
    ax.set(
        xlim=(0, max_normal_flagged),
        ylim=(0, 1),
        xlabel=f"{test} normal rows flagged as attacks",
        ylabel="novel-type attack rows flagged",
        title="Attacks of types never seen in training (dots: operating points)",
    )
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    _save(fig, path)


def draw_figures(metrics, folder):
    """Draw every figure of ``awdids reproduce`` from its ``metrics`` into ``folder``.

    Parameters
    ----------
    metrics : dict
        What ``metrics.json`` holds.
    folder : str or path-like
        Where the PNG files go (created).

    Returns
    -------
    figures : list of (str, str)
        ``(caption, file name)`` of each figure drawn. Fig 4 needs the PCA's
        explained variance ratios, which metrics written by awdids before
        0.1.0 lack; it is then left out, as is the novel-attack figure for
        metrics without ``novel_attacks``.

    Examples
    --------
    >>> import json
    >>> from awdids.experiments import draw_figures
    >>> metrics = json.load(open("docs/results/reproduce.json"))  # doctest: +SKIP
    >>> [name for _, name in draw_figures(metrics, "figures")][-1]  # doctest: +SKIP
    'confusion_matrix.png'
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    drawn = []
    dataset = metrics.get("dataset", {})
    train = dataset.get("train_name", "KDDTrain+")
    test = dataset.get("test_name", "KDDTest+")

    def add(caption, name, draw, *args, **kwargs):
        draw(*args, folder / name, **kwargs)
        drawn.append((caption, name))

    pca = metrics["pca"]
    if "explained_variance_ratio" in pca:
        add(
            f"Fig 4: cumulative explained variance; {pca['n_components']} components",
            "fig4_pca_variance.png",
            plot_pca_variance,
            pca["explained_variance_ratio"],
            pca["n_components"],
            train=train,
        )
    histories = {
        tuple(key.split("/")): {"fit_rmse": values}
        for key, values in metrics["gan_fit_rmse"].items()
    }
    add(
        "Fig 7: GAN vs WGAN-GP fit RMSE per epoch (seed 0)",
        "fig7_gan_convergence.png",
        plot_gan_convergence,
        histories,
    )
    add(
        "Fig 8: metrics of every model (mean and std over seeds)",
        "fig8_model_metrics.png",
        plot_model_metrics,
        metrics["models"],
        test=test,
    )
    add(
        "Fig 9: detection time per record",
        "fig9_detection_time.png",
        plot_detection_time,
        metrics["models"],
        test=test,
    )
    novel = metrics.get("novel_attacks")
    if novel and novel.get("curves"):
        add(
            "Novel-type attacks flagged against normal false alarms (seed 0)",
            "novel_detection.png",
            plot_novel_detection,
            novel["curves"],
            test=test,
        )
    matrix = metrics["confusion_matrix"]
    title = f"AWD-CNN-LSTM + GP-GAN (seed 0), {test}"
    add(
        f"Confusion matrix: {title}",
        "confusion_matrix.png",
        plot_confusion_matrix,
        matrix["matrix"],
        matrix["labels"],
        title,
    )
    return drawn
