"""The paper's printed numbers (see docs/paper-notes.md), shown beside ours."""

__all__ = ["PAPER"]

PAPER = {
    "table3": {
        "train": [67343, 45927, 11656, 995, 52],
        "test": [9711, 7458, 2421, 2754, 200],
    },
    "table5_after": {"r2l": 10995, "u2r": 10052},
    "table6": {
        "CNN-LSTM": {"accuracy": 0.687, "precision": 0.709, "f1": 0.759},
        "AWD-CNN-LSTM": {"accuracy": 0.712, "precision": 0.863, "f1": 0.780},
    },
    "table7": {
        "r2l": {"before": [0.023, 0.015, 0.027], "after": [0.168, 0.165, 0.164]},
        "u2r": {"before": [0.668, 0.153, 0.234], "after": [0.806, 0.232, 0.358]},
        "overall": {"before": [0.789, 0.781, 0.790], "after": [0.812, 0.795, 0.850]},
    },
}
