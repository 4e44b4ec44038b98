"""Speed of AWDConvLSTMClassifier on this CPU, beside the machine's matmul limit.

Prints, for 80 input features (the paper's PCA output):

- dense float32 matmul GFLOP/s (2048 x 2048, median of 5): the physical limit,
  measured again just before each network size (this machine's speed drifts
  by tens of per cent over minutes, so each row's share uses its own figure);
- for each network size: training rows/s and achieved GFLOP/s of a training
  step (multiply-adds of the gate matrices and the head, x2 for FLOPs, x3 for
  forward + backward), inference rows/s (in the classifier's prediction
  batches), seconds per epoch over 146,000 rows, and the validation accuracy
  and macro F1 after a fixed budget on a stratified split of KDDTrain+
  (KDDTest+ is not touched);
- the ConvLSTM time loop with its hand-written backward against the same loop
  under autograd (training steps of the default network, interleaved rounds,
  median of the paired speed-ups);
- the seconds per epoch that weight averaging (``ema_decay``) adds;
- peak RSS of a one-epoch fit on 150,000 rows.

Usage: ``python benchmarks/bench_classifier.py [--quick]`` (needs ``AWDIDS_DATA``).
"""

import argparse
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from _results import Report, default_out  # benchmarks/ is on sys.path
from sklearn.decomposition import PCA
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from awdids import AWDConvLSTMClassifier
from awdids.classification._averaging import WeightAverage
from awdids.classification._awd_convlstm import _PREDICT_BATCH
from awdids.datasets import fetch_nsl_kdd
from awdids.nn import AWDConvLSTMNet
from awdids.nn import _convlstm as convlstm_module
from awdids.nn._init import build_module
from awdids.nn._lstm_scan import peephole_lstm_scan, peephole_lstm_scan_autograd
from awdids.preprocessing import make_nsl_kdd_preprocessor

SIZES = [  # (input_shape, hidden_channels)
    ((5, 4, 2, 2), 8),
    ((5, 4, 2, 2), 16),
    ((5, 4, 2, 2), 32),
    ((5, 1, 4, 4), 8),
    ((10, 2, 2, 2), 16),
]


def matmul_gflops(n=2048, repeats=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def flops_per_row(shape, hidden, head=(128, 64), n_classes=5, layers=4):
    steps, channels, height, width = shape
    positions = height * width
    gates = 4 * hidden * positions
    macs = 0
    for layer in range(layers):
        in_width = (channels if layer == 0 else hidden) * positions
        macs += steps * (in_width * gates + hidden * positions * gates)
    width_in = steps * hidden * positions
    for size in (*head, n_classes):
        macs += width_in * size
        width_in = size
    return 2 * macs


def training_step(shape, hidden, batch=512):
    """A closure running one training step of a fresh network, and the network."""
    net = build_module(
        lambda: AWDConvLSTMNet(shape, 5, hidden_channels=hidden, weight_drop=0.2),
        torch.Generator().manual_seed(0),
    )
    net.recurrent.set_rng(torch.Generator().manual_seed(1))
    n = int(np.prod(shape))
    x, y = torch.randn(batch, n), torch.randint(0, 5, (batch,))
    optimizer = torch.optim.Adam(net.parameters())

    def step():
        loss = torch.nn.functional.cross_entropy(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step, net


def seconds_per_step(step, steps=4):
    """Mean seconds of ``steps`` consecutive calls of ``step``."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def train_speed(shape, hidden, batch=512, repeats=5):
    step, net = training_step(shape, hidden, batch)
    for _ in range(3):
        step()
    times = [seconds_per_step(step) for _ in range(repeats)]
    rows_per_s = batch / statistics.median(times)
    net.eval()
    # in the batches the classifier predicts in: one call on all the rows is
    # slower (its gates no longer fit in cache) and no prediction makes it
    big = torch.randn(4 * _PREDICT_BATCH, int(np.prod(shape)))
    with torch.no_grad():
        net(big[:_PREDICT_BATCH])
        start = time.perf_counter()
        for batch in big.split(_PREDICT_BATCH):
            net(batch)
        infer = len(big) / (time.perf_counter() - start)
    return rows_per_s, infer


def scan_speedup(shape=(5, 4, 2, 2), hidden=16, batch=512, rounds=15):
    """Training rows/s with the hand-written time loop and with autograd's.

    Both run the same network in alternating rounds of 4 steps, so that drifts
    in this machine's speed hit both; returns the median rates and the median,
    lowest and highest speed-up of paired rounds.
    """
    step, _ = training_step(shape, hidden, batch)
    scans = {
        "hand-written": peephole_lstm_scan,
        "autograd": peephole_lstm_scan_autograd,
    }
    times = {name: [] for name in scans}
    try:
        for _ in range(rounds):
            for name, scan in scans.items():
                convlstm_module.peephole_lstm_scan = scan
                step()
                times[name].append(seconds_per_step(step))
    finally:
        convlstm_module.peephole_lstm_scan = peephole_lstm_scan
    ratios = sorted(a / h for a, h in zip(times["autograd"], times["hand-written"]))
    rates = {name: batch / statistics.median(t) for name, t in times.items()}
    return rates, statistics.median(ratios), ratios[0], ratios[-1]


def averaging_cost(shape=(5, 4, 2, 2), hidden=16, batch=512, rows=146_000):
    """Seconds an epoch that ``ema_decay`` adds: per-step updates and the swap."""
    net = build_module(
        lambda: AWDConvLSTMNet(shape, 5, hidden_channels=hidden, weight_drop=0.2),
        torch.Generator().manual_seed(0),
    )
    average = WeightAverage(net, decay=0.999)
    for _ in range(3):
        average.update()
    start = time.perf_counter()
    for _ in range(100):
        average.update()
    per_step = (time.perf_counter() - start) / 100
    X = torch.randn(rows, int(np.prod(shape)))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        average.use_average(X, 4096)
        average.use_raw()
        times.append(time.perf_counter() - start)
    return per_step * -(-rows // batch), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the validation runs")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--out", type=Path, default=default_out("bench_classifier"))
    args = parser.parse_args()
    report = Report(
        "bench_classifier",
        "Speed of the classifier",
        "For 80 input features (the paper's PCA output): dense float32 matmul "
        "GFLOP/s measured just before each network size (the machine's limit); "
        "training rows/s and achieved GFLOP/s of a training step; inference "
        f"rows/s of the network in the classifier's {_PREDICT_BATCH:,}-row "
        "prediction batches; seconds per epoch over 146,000 rows; and, without "
        "``--quick``, "
        f"validation accuracy and macro F1 after {args.epochs} epochs on a "
        "stratified 20% split of KDDTrain+. Then the ConvLSTM time loop with its "
        "hand-written backward against autograd (paired rounds), the cost of "
        "weight averaging, and the peak memory of a one-epoch fit.",
    )

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")

    if not args.quick:
        X, y = fetch_nsl_kdd("train", return_X_y=True)
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y.to_numpy(), test_size=0.2, stratify=y, random_state=0
        )
        pre = make_nsl_kdd_preprocessor().fit(X_fit)
        pca = PCA(80, random_state=0).fit(pre.transform(X_fit))
        A_fit = pca.transform(pre.transform(X_fit)).astype(np.float32)
        A_val = pca.transform(pre.transform(X_val)).astype(np.float32)

    table = []
    for shape, hidden in SIZES:
        limit = matmul_gflops()
        train_rate, infer_rate = train_speed(shape, hidden)
        gflops = 3 * flops_per_row(shape, hidden) * train_rate / 1e9
        valid = ("-", "-")
        if not args.quick:
            clf = AWDConvLSTMClassifier(
                input_shape=shape,
                hidden_channels=hidden,
                max_epochs=args.epochs,
                validation_fraction=None,
                random_state=0,
            ).fit(A_fit, y_fit)
            pred = clf.predict(A_val)
            valid = (
                f"{np.mean(pred == y_val):.4f}",
                f"{f1_score(y_val, pred, average='macro'):.4f}",
            )
        table.append(
            [
                shape,
                hidden,
                f"{train_rate:,.0f}",
                f"{gflops:.0f}",
                f"{limit:.0f}",
                f"{gflops / limit:.0%}",
                f"{146_000 / train_rate:.1f}",
                f"{infer_rate:,.0f}",
                *valid,
            ]
        )
        print(table[-1], flush=True)
    report.table(
        "Network sizes",
        [
            "input_shape",
            "channels",
            "train rows/s",
            "train GFLOP/s",
            "matmul GFLOP/s",
            "% of matmul",
            "s / epoch (146k)",
            "infer rows/s",
            "valid acc",
            "valid macro F1",
        ],
        table,
    )

    rounds = 15
    rates, median, low, high = scan_speedup(rounds=rounds)
    speedup = [
        [
            f"{rates['hand-written']:,.0f}",
            f"{rates['autograd']:,.0f}",
            f"{median:.2f}x ({low:.2f}-{high:.2f})",
        ]
    ]
    report.table(
        f"Time loop of the default network ({rounds} alternating rounds)",
        ["hand-written backward rows/s", "autograd rows/s", "paired speed-up"],
        speedup,
    )

    updates, swap = averaging_cost()
    averaging = [[f"{updates:.2f}", f"{swap:.2f}"]]

    rows = np.random.RandomState(0).randn(150_000, 80).astype(np.float32)
    labels = np.random.RandomState(1).randint(0, 5, 150_000)
    AWDConvLSTMClassifier(max_epochs=1, validation_fraction=None).fit(rows, labels)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.table(
        "Costs per epoch of the default network on 146,000 rows",
        ["weight averaging updates s", "average swap and batch-norm estimate s"],
        averaging,
        note=f"Peak RSS after a one-epoch default fit on 150,000 rows: {peak:.0f} MiB.",
    )
    report.write(args.out)


if __name__ == "__main__":
    main()
