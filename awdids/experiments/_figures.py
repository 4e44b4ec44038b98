"""Matplotlib figures of ``awdids reproduce``; each is saved to a PNG.

Figures are drawn on :class:`matplotlib.figure.Figure` objects and saved
directly, without pyplot: no backend is selected or changed, and nothing is
left open. matplotlib is imported when the first figure is drawn, so importing
awdids needs no matplotlib (``pip install "awdids[plot]"`` brings it).
"""

import numpy as np

from .._io import atomic_path
from ._models import PAPER_PIPELINE

__all__ = [
    "draw_figures",
    "plot_pca_variance",
    "plot_gan_convergence",
    "plot_model_metrics",
    "plot_detection_time",
    "plot_confusion_matrix",
    "plot_novel_detection",
    "models_that_matter",
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


#: Readable names of the metrics keys.
METRIC_LABELS = {
    "accuracy": "accuracy",
    "macro_f1": "macro F1",
    "weighted_f1": "weighted F1",
    "macro_precision": "macro precision",
    "macro_recall": "macro recall",
}


def _save(fig, path, quick=False):
    if quick:  # a smoke run's figure must not pass for a result
        fig.text(
            0.5,
            0.5,
            "QUICK RUN\nnot a result",
            ha="center",
            va="center",
            rotation=25,
            fontsize=36,
            color="C3",
            alpha=0.18,
            fontweight="bold",
        )
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")


def plot_pca_variance(
    explained_variance_ratio, n_components, path, *, train="KDDTrain+", quick=False
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
    _save(fig, path, quick)


def plot_gan_convergence(histories, path, *, quick=False):
    """Fig 7: fit RMSE per epoch; a colour per class, a line style per loss.

    The paired styles (solid WGAN-GP, dashed GAN) show, class by class, how
    the gradient penalty changes convergence.
    """
    from matplotlib.ticker import MaxNLocator

    fig, ax = _figure((7, 4))
    classes = list(dict.fromkeys(label for _, label in histories))
    styles = {"wgan-gp": ("-", "WGAN-GP"), "gan": ("--", "GAN")}
    for (loss, label), history in histories.items():
        rmse = history["fit_rmse"]
        style, name = styles.get(loss, (":", loss))
        ax.plot(
            np.arange(1, len(rmse) + 1),
            rmse,
            style,
            color=f"C{classes.index(label)}",
            label=f"{name}, {label}",
            linewidth=1.6,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(
        xlabel="epoch",
        ylabel="fit RMSE of the synthetic rows' means and std devs",
        title="GAN (dashed) vs WGAN-GP (solid): lower is closer to the real rows",
        ylim=(0, None),
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.grid(alpha=0.3)
    _save(fig, path, quick)


def plot_model_metrics(
    summary,
    path,
    metrics=("accuracy", "macro_f1", "weighted_f1"),
    *,
    test="KDDTest+",
    quick=False,
):
    """Fig 8: mean (and std over seeds) of each metric for every model."""
    names = list(summary)
    x = np.arange(len(names))
    width = 0.8 / len(metrics)
    fig, ax = _figure((max(8, len(names) * 0.9), 4.5))
    for k, metric in enumerate(metrics):
        means = [summary[n][metric]["mean"] for n in names]
        stds = [summary[n][metric]["std"] for n in names]
        label = METRIC_LABELS.get(metric, metric.replace("_", " "))
        ax.bar(x + k * width, means, width, yerr=stds, capsize=2, label=label)
    ax.set_xticks(x + width * (len(metrics) - 1) / 2, names, rotation=30, ha="right")
    ax.set(ylim=(0, 1), ylabel=f"score on {test}", title="Metrics of every model")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    _save(fig, path, quick)


def plot_detection_time(summary, path, *, test="KDDTest+", quick=False):
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
    _save(fig, path, quick)


def plot_confusion_matrix(matrix, labels, title, path, *, quick=False):
    """Confusion matrix: each true class's share per predicted class, and counts.

    Rows are normalised, so a rare class reads as clearly as a common one.
    """
    matrix = np.asarray(matrix)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = max(5, 0.9 * len(labels) + 1.5)
    fig, ax = _figure((size + 1, size))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, label="share of the true class's rows", shrink=0.8)
    small = 7 if len(labels) > 6 else 9
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if shares[i, j] > 0.5 else "black"
            ax.text(
                j,
                i,
                f"{shares[i, j]:.1%}\n({matrix[i, j]:,})",
                ha="center",
                va="center",
                color=color,
                fontsize=small,
            )
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    _save(fig, path, quick)


def plot_novel_detection(
    curves,
    path,
    max_normal_flagged=0.2,
    *,
    test="KDDTest+",
    highlight=(),
    quick=False,
):
    """Novel-type attack rows flagged against normal rows flagged, per model.

    Each line follows a model's attack score over thresholds (seed 0); the
    marker is where its own predictions operate. The ``highlight`` models
    are drawn in colour and named; the others in grey, for context.
    """
    from matplotlib.ticker import PercentFormatter

    fig, ax = _figure((7.5, 5))
    highlight = [name for name in highlight if name in curves]
    for name, curve in curves.items():
        if name not in highlight:
            ax.plot(
                curve["normal_flagged"],
                curve["novel_flagged"],
                color="0.75",
                linewidth=0.9,
                zorder=1,
            )
            ax.plot(*curve["operating_point"], "o", color="0.7", markersize=3)
    ax.plot([], [], color="0.75", label="other models")
    for k, name in enumerate(highlight):
        curve = curves[name]
        ax.plot(
            curve["normal_flagged"],
            curve["novel_flagged"],
            color=f"C{k}",
            linewidth=2.2,
            label=name,
            zorder=3,
        )
        ax.plot(*curve["operating_point"], "o", color=f"C{k}", markersize=8, zorder=4)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(
        xlim=(0, max_normal_flagged),
        ylim=(0, 1),
        xlabel=f"{test} normal rows flagged as attacks",
        ylabel="novel-type attack rows flagged",
        title="Attacks of types never seen in training (dots: operating points)",
    )
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    _save(fig, path, quick)


def plot_site_calibration(site, path, *, test="KDDTest+", quick=False):
    """Reached against promised false alarms, training threshold and site-calibrated.

    One marker per flag, protocol and promise (mean over seeds, bars: std);
    the band holds 0.5 to 1.5 times the promise.
    """
    from matplotlib.ticker import NullFormatter, PercentFormatter

    from ._site import MAIN_CAPTURE, RATES
    from ._site_report import _find, site_models

    fig, ax = _figure((7, 5))
    promise = np.array([0.005, 0.07])
    ax.fill_between(
        promise, 0.5 * promise, 1.5 * promise, color="0.9", label="0.5-1.5 × promise"
    )
    ax.plot(promise, promise, color="0.5", linewidth=1, label="reached = promised")
    for k, model in enumerate(site_models(site)):
        for protocol, share, contamination, marker, label in (
            ("standard", None, None, "o", "training threshold"),
            ("site", MAIN_CAPTURE, 0.0, "s", f"site-calibrated ({MAIN_CAPTURE:.0%})"),
        ):
            entries = [
                _find(site, model, rate, protocol, share, contamination)
                for rate in RATES
            ]
            points = [
                (rate * (1 + 0.04 * (2 * k - 1)), e["reached"])
                for rate, e in zip(RATES, entries)
                if e is not None and "refused" not in e
            ]
            if not points:
                continue
            x = [p[0] for p in points]
            ax.errorbar(
                x,
                [p[1]["mean"] for p in points],
                yerr=[p[1]["std"] for p in points],
                fmt=marker,
                color=f"C{k}",
                markerfacecolor="white" if protocol == "standard" else f"C{k}",
                markersize=8,
                capsize=3,
                label=f"{model}: {label}",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(list(RATES))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set(
        xlim=tuple(promise),
        xlabel="promised false alarms",
        ylabel=f"reached on {test} normal rows",
        title="Site calibration (uses test rows): reached against promised",
    )
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3, which="both")
    _save(fig, path, quick)


def models_that_matter(models):
    """The paper's pipeline, the most accurate other model and the flag models."""
    others = [name for name in models if name != PAPER_PIPELINE]
    best = max(others, key=lambda name: models[name]["accuracy"]["mean"])
    flags = [name for name in models if name.endswith("novelty flag")]
    return list(dict.fromkeys([PAPER_PIPELINE, best, *flags]))


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

    quick = bool(metrics.get("quick"))

    def add(caption, name, draw, *args, **kwargs):
        draw(*args, folder / name, quick=quick, **kwargs)
        drawn.append((caption + (" (quick run: not a result)" if quick else ""), name))

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
            highlight=models_that_matter(metrics["models"]),
        )
    site = metrics.get("site_calibration")
    if site:
        add(
            "Site-calibrated protocol (uses test rows): reached against promised "
            "false alarms",
            "site_calibration.png",
            plot_site_calibration,
            site,
            test=test,
        )
    matrix = metrics["confusion_matrix"]
    title = f"{PAPER_PIPELINE} (seed 0), {test}"
    add(
        f"Confusion matrix: {title}",
        "confusion_matrix.png",
        plot_confusion_matrix,
        matrix["matrix"],
        matrix["labels"],
        title,
    )
    return drawn
