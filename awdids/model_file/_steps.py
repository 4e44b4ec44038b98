"""The transformer steps of a pipeline, stored with skops under an exact allowlist.

skops writes a JSON tree whose every node names a Python object by module,
class and loader. Before anything is built, every node of that tree is checked
against :data:`ALLOWED_NODES`: exact ``(module.Class, loader)`` pairs, never
module prefixes, so a tree that names a callable (``builtins.exec``,
``os.system``, ``numpy.load``) or any type outside the list is refused without
importing it. The list holds what :func:`~awdids.save_model` writes for the
paper's pipeline, the scikit-learn scalers and PCA a user is likely to put
before the classifier, and the comparison's scikit-learn classifiers
(:data:`CLASSIFIERS`) with the parts skops stores inside each.
:func:`dump_steps` runs the same check on what it is about to write, so a
pipeline that could not be loaded again is refused when saved.
"""

import io
import json
import zipfile

import skops.io as sio

from ._errors import ModelFileError, refuse_on_failure

__all__ = [
    "ALLOWED_NODES",
    "CLASSIFIERS",
    "dump_steps",
    "load_steps",
    "node_types",
    "qualified_name",
]

_CONTAINERS = {
    ("builtins.dict", "DictNode"),
    ("builtins.list", "ListNode"),
    ("builtins.tuple", "TupleNode"),
    ("builtins.slice", "SliceNode"),
}
_SCALARS = {
    (f"builtins.{name}", "JsonNode") for name in ("str", "int", "float", "bool")
} | {("builtins.NoneType", "JsonNode")}
# A dtype given as a parameter (``dtype=float``) is stored as a type reference.
_TYPE_REFERENCES = {
    (f"builtins.{name}", "TypeNode") for name in ("str", "int", "float", "bool")
} | {
    (f"numpy.{name}", "TypeNode")
    for name in ("float64", "float32", "int64", "int32", "bool_", "object_")
}
_ARRAYS = {
    (f"numpy.{name}", loader)
    for name in ("ndarray", "float64", "float32", "int64", "int32", "bool_")
    for loader in ("NdArrayNode", "NumpyScalarNode")
} | {("numpy.dtype", "DTypeNode")}
_ESTIMATORS = {
    (name, "ObjectNode")
    for name in (
        "awdids.preprocessing._flows._FillMissing",
        "awdids.preprocessing._flows._FiniteMinMaxScaler",
        # the scaler's module in files written before dataset schemas
        "awdids.preprocessing._nsl_kdd._FiniteMinMaxScaler",
        "sklearn.compose._column_transformer.ColumnTransformer",
        "sklearn.decomposition._pca.PCA",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.MinMaxScaler",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._encoders.OneHotEncoder",
    )
}

_HIST_GRADIENT_BOOSTING = "sklearn.ensemble._hist_gradient_boosting"
#: The scikit-learn classifiers of the comparison (``awdids reproduce``) that a
#: model file may end in, each with the objects skops stores inside it.
CLASSIFIER_PARTS = {
    "sklearn.svm._classes.LinearSVC": set(),
    "sklearn.svm._classes.SVC": set(),
    "sklearn.ensemble._forest.RandomForestClassifier": {
        ("sklearn.tree._classes.DecisionTreeClassifier", "ObjectNode"),
        ("sklearn.tree._tree.Tree", "TreeNode"),
    },
    "sklearn.neighbors._classification.KNeighborsClassifier": set(),
    f"{_HIST_GRADIENT_BOOSTING}.gradient_boosting.HistGradientBoostingClassifier": {
        ("numpy.random._generator.Generator", "RandomGeneratorNode"),
        ("numpy.uint64", "NdArrayNode"),
        ("sklearn._loss._loss.CyHalfBinomialLoss", "LossNode"),
        ("sklearn._loss._loss.CyHalfMultinomialLoss", "LossNode"),
        ("sklearn._loss.link.Interval", "ObjectNode"),
        ("sklearn._loss.link.LogitLink", "ObjectNode"),
        ("sklearn._loss.link.MultinomialLogit", "ObjectNode"),
        ("sklearn._loss.loss.HalfBinomialLoss", "ObjectNode"),
        ("sklearn._loss.loss.HalfMultinomialLoss", "ObjectNode"),
        (f"{_HIST_GRADIENT_BOOSTING}.binning._BinMapper", "ObjectNode"),
        (f"{_HIST_GRADIENT_BOOSTING}.predictor.TreePredictor", "ObjectNode"),
        ("sklearn.preprocessing._label.LabelEncoder", "ObjectNode"),
    },
    "sklearn.neural_network._multilayer_perceptron.MLPClassifier": {
        ("numpy.random.mtrand.RandomState", "RandomStateNode"),
        ("sklearn.neural_network._stochastic_optimizers.AdamOptimizer", "ObjectNode"),
        ("sklearn.neural_network._stochastic_optimizers.SGDOptimizer", "ObjectNode"),
        ("sklearn.preprocessing._label.LabelBinarizer", "ObjectNode"),
    },
}
#: The exact types a model file's last step may have besides awdids' network.
CLASSIFIERS = frozenset(CLASSIFIER_PARTS)
_CLASSIFIER_NODES = {(name, "ObjectNode") for name in CLASSIFIERS}.union(
    *CLASSIFIER_PARTS.values()
)

#: Every ``(module.Class, skops loader)`` a model file's steps may name.
ALLOWED_NODES = frozenset(
    _CONTAINERS
    | _SCALARS
    | _TYPE_REFERENCES
    | _ARRAYS
    | _ESTIMATORS
    | _CLASSIFIER_NODES
)


def qualified_name(cls):
    """``module.Class`` of ``cls``, as skops and :data:`CLASSIFIERS` name it."""
    return f"{cls.__module__}.{cls.__qualname__}"


def node_types(tree):
    """The set of ``(module.Class, loader)`` pairs named in a skops schema tree."""
    found, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node or "__loader__" in node:
                found.add(
                    (
                        f"{node.get('__module__')}.{node.get('__class__')}",
                        str(node.get("__loader__")),
                    )
                )
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _schema(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("schema.json"))


def _check_allowed(types, what):
    refused = sorted(f"{name} ({loader})" for name, loader in types - ALLOWED_NODES)
    if refused:
        raise ModelFileError(
            f"{what} names objects outside the model file's allowlist: {refused}."
        )


def dump_steps(steps):
    """skops bytes of ``[(name, transformer), ...]``; refuse unlisted types."""
    data = sio.dumps([(name, step) for name, step in steps])
    _check_allowed(node_types(_schema(data)), "The pipeline's transformer steps")
    return data


def load_steps(data, path):
    """The ``[(name, transformer), ...]`` stored by :func:`dump_steps`."""
    with refuse_on_failure(f"{path}: the transformer steps are damaged"):
        types = node_types(_schema(data))
    _check_allowed(types, f"Refusing {path}: its transformer steps")
    with refuse_on_failure(f"{path}: the transformer steps could not be read"):
        steps = sio.loads(data, trusted=sorted({name for name, _ in types}))
    if not isinstance(steps, list) or not all(
        isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str)
        for step in steps
    ):
        raise ModelFileError(f"{path}: the transformer steps are not (name, step).")
    return steps
