"""The estimators on every device this machine has: CPU, and CUDA when present.

Prints rows/s of the three costly parts of the pipeline, measured on the
estimators themselves (``fit``/``predict`` with their defaults, float32):

- GAN training: the R2L rows of KDDTrain+ (122 preprocessed features),
  ``GPGANSampler`` for ``--gan-steps`` generator steps; rows/s counts the real
  rows the critic sees (``batch_size * n_critic`` per generator step);
- classifier training: one epoch of ``AWDConvLSTMClassifier`` over
  ``--train-rows`` PCA(80) rows of KDDTrain+;
- inference: ``predict_proba`` over all KDDTrain+ rows (125,973).

The classifier also runs with ``mixed_precision=True`` (bfloat16 autocast on
the CPU, float16 on CUDA).
Each figure is the median of ``--repeats`` runs. Without CUDA only the CPU
rows are printed, with a line that says so. ``--devices cuda`` skips the CPU,
``--batch-size`` sets the classifier's batch size (default: its own, 512; a
GPU is launch-bound at that size and trains faster on larger batches), and
``--ema-decay`` its weight averaging (default: its own, none).

Usage: ``python benchmarks/bench_devices.py [--repeats 3] [--devices cpu,cuda]
[--batch-size 512] [--ema-decay 0.999]`` (needs ``AWDIDS_DATA``).
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from _results import Report, default_out  # benchmarks/ is on sys.path
from sklearn.decomposition import PCA

from awdids import AWDConvLSTMClassifier, GPGANSampler
from awdids.datasets import fetch_nsl_kdd
from awdids.preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups


def median_seconds(run, repeats):
    times = []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gan_rows_per_s(X, y, device, steps, repeats):
    sampler = GPGANSampler(
        sampling_strategy={"r2l": int((y == "r2l").sum()) + 1000},
        discrete_groups=nsl_kdd_one_hot_groups(),
        epochs=1,
        steps_per_epoch=steps,
        device=device,
        random_state=0,
    )
    seconds = median_seconds(lambda: sampler.fit_resample(X, y), repeats)
    return steps * sampler.batch_size * sampler.n_critic / seconds


def classifier_rows_per_s(A, y, device, mixed_precision, args):
    def make():
        return AWDConvLSTMClassifier(
            max_epochs=1,
            validation_fraction=None,
            batch_size=args.batch_size,
            ema_decay=args.ema_decay,
            device=device,
            mixed_precision=mixed_precision,
            random_state=0,
        )

    make().fit(A[:2048], y[:2048])  # warm-up: kernels, allocator
    train = len(A) / median_seconds(lambda: make().fit(A, y), args.repeats)
    fitted = make().fit(A, y)
    return train, fitted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gan-steps", type=int, default=200)
    parser.add_argument("--train-rows", type=int, default=60_000)
    parser.add_argument(
        "--devices", default="cpu,cuda", help="comma-separated; cuda only if present"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=AWDConvLSTMClassifier().batch_size,
        help="the classifier's batch size",
    )
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=AWDConvLSTMClassifier().ema_decay,
        help="the classifier's weight averaging (default: none)",
    )
    parser.add_argument("--out", type=Path, default=default_out("bench_devices"))
    args = parser.parse_args()
    wanted = set(args.devices.split(","))
    if not wanted <= {"cpu", "cuda"}:
        parser.error(f"--devices takes cpu and/or cuda, got {args.devices!r}")

    X, y = fetch_nsl_kdd("train", return_X_y=True)
    y = y.to_numpy()
    X122 = make_nsl_kdd_preprocessor().set_output(transform="default").fit_transform(X)
    X122 = X122.astype(np.float32)
    A = PCA(80, random_state=0).fit_transform(X122).astype(np.float32)
    rng = np.random.RandomState(0)
    subset = rng.choice(len(A), args.train_rows, replace=False)
    # R2L and as many other rows: the sampler's cost is the R2L GAN either way
    gan_rows = np.r_[np.flatnonzero(y == "r2l"), rng.choice(len(y), 2000, False)]

    devices = [("cpu", False), ("cpu", True)] if "cpu" in wanted else []
    if torch.cuda.is_available() and "cuda" in wanted:
        devices += [("cuda", False), ("cuda", True)]
    print(f"torch {torch.__version__}, CPU threads {torch.get_num_threads()}")
    print(f"classifier batch size {args.batch_size}, ema_decay {args.ema_decay}")
    if torch.cuda.is_available():
        print(f"CUDA device: {torch.cuda.get_device_name(0)}")
    else:
        print("no CUDA device here: CPU figures only")

    rows = []
    for device, mixed in devices:
        gan = "-"
        if not mixed:
            gan_rate = gan_rows_per_s(
                X122[gan_rows], y[gan_rows], device, args.gan_steps, args.repeats
            )
            gan = f"{gan_rate:,.0f}"
        train, fitted = classifier_rows_per_s(A[subset], y[subset], device, mixed, args)
        infer = len(A) / median_seconds(
            lambda fitted=fitted: fitted.predict_proba(A), args.repeats
        )
        rows.append(
            [device, "yes" if mixed else "no", gan, f"{train:,.0f}", f"{infer:,.0f}"]
        )
    report = Report(
        "bench_devices",
        "Training and inference on each device",
        "Rows per second of GAN training (R2L), classifier training "
        f"({args.train_rows:,} rows of 80 PCA features, batch size "
        f"{args.batch_size}, ema_decay {args.ema_decay}) and inference (all "
        f"KDDTrain+ rows), median of {args.repeats} runs, on the CPU and, where "
        "present, a CUDA device, each with and without mixed precision.",
    )
    report.table(
        "Rows per second by device",
        [
            "device",
            "mixed precision",
            "GAN train rows/s",
            "clf train rows/s",
            "inference rows/s",
        ],
        rows,
    )
    report.write(args.out)


if __name__ == "__main__":
    main()
