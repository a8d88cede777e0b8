"""A sparse linear classifier over string features, stored as plain weights.

scikit-learn fits it; prediction is a dictionary lookup per feature and one small matrix
product, and the model is saved as a numpy `.npz` (no pickle, nothing executable), so a model
loads in milliseconds and a parse stays well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse


def _matrix(
    rows: Sequence[Sequence[str]], vocabulary: dict[str, int], normalized: bool = False
) -> scipy.sparse.csr_matrix:
    """Binary indicators, or with `normalized` each row scaled to unit length."""
    indptr, indices = [0], []
    for row in rows:
        seen = {vocabulary[f] for f in row if f in vocabulary}
        indices.extend(sorted(seen))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    if normalized:
        lengths = np.diff(np.array(indptr))
        data = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths).astype(np.float32)
    return scipy.sparse.csr_matrix(
        (data, np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(rows), len(vocabulary)),
    )


class LinearModel:
    """Multinomial (or one-vs-rest, for several labels at once) logistic regression."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: list[str],
        multilabel: bool,
        normalized: bool = False,
    ) -> None:
        self.vocabulary = vocabulary
        self.normalized = normalized
        # Kept as features x classes, contiguous: sparse @ dense with `coef.T` (a strided view)
        # made scipy copy all the weights on every call, which was half of a parse's time.
        self._weights = np.ascontiguousarray(coef.T)
        self.intercept = intercept
        self.classes = classes
        self.multilabel = multilabel

    @property
    def coef(self) -> np.ndarray:
        """Classes x features, as scikit-learn gives them (a view, no copy)."""
        return self._weights.T

    @classmethod
    def fit(
        cls,
        rows: Sequence[Sequence[str]],
        labels: Sequence[str] | Sequence[Sequence[str]],
        multilabel: bool = False,
        c: float = 4.0,
        min_count: int = 1,
        max_iter: int = 3000,
        tol: float = 1e-3,
        normalized: bool = False,
    ) -> LinearModel:
        """Fit on string features seen at least `min_count` times.

        One label: multinomial logistic regression by SAGA. With tens of thousands of n-gram
        features and up to a hundred classes, L-BFGS spends most of its time in its own
        bookkeeping of millions of weights (50 s for the quantity model of 9,100 lines, 38 s
        for the event kinds); SAGA at tol 1e-3 fits the same data in 3 s and 6 s, and its
        probabilities differ by 3e-4 on average (bench/fact_folds.py scores both alike)."""
        from collections import Counter

        from sklearn.linear_model import LogisticRegression

        counts = Counter(f for row in rows for f in set(row))
        names = sorted(f for f, n in counts.items() if n >= min_count)
        vocabulary = {name: i for i, name in enumerate(names)}
        x = _matrix(rows, vocabulary, normalized)
        if multilabel:
            classes = sorted({label for row_labels in labels for label in row_labels})
            coef = np.zeros((len(classes), len(names)), dtype=np.float32)
            intercept = np.zeros(len(classes), dtype=np.float32)
            for k, name in enumerate(classes):
                y = np.array([name in row_labels for row_labels in labels], dtype=int)
                if y.sum() == 0 or y.sum() == len(y):
                    intercept[k] = 10.0 if y.sum() else -10.0
                    continue
                model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
                model.fit(x, y)
                coef[k] = model.coef_[0]
                intercept[k] = model.intercept_[0]
            return cls(vocabulary, coef, intercept, classes, True, normalized)
        model = LogisticRegression(C=c, max_iter=max_iter, solver="saga", tol=tol, random_state=0)
        model.fit(x.astype(np.float64), np.array(labels))
        classes = [str(c) for c in model.classes_]
        coef = model.coef_.astype(np.float32)
        intercept = model.intercept_.astype(np.float32)
        if len(classes) == 2:  # sklearn keeps one row for two classes
            coef = np.vstack([-coef[0], coef[0]]) / 2
            intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32) / 2
        return cls(vocabulary, coef, intercept, classes, False, normalized)

    def scores(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Probabilities, one row per input: softmax (one label) or sigmoid per class."""
        raw = _matrix(rows, self.vocabulary, self.normalized) @ self._weights + self.intercept
        raw = np.asarray(raw)
        if self.multilabel:
            return 1.0 / (1.0 + np.exp(-raw))
        shifted = raw - raw.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        names = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        np.savez_compressed(
            path,
            names=names.astype(str),
            coef=self.coef,
            intercept=self.intercept,
            classes=np.array(self.classes, dtype=str),
            multilabel=np.array([self.multilabel]),
            normalized=np.array([self.normalized]),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            names = [str(n) for n in data["names"]]
            return cls(
                {name: i for i, name in enumerate(names)},
                data["coef"].astype(np.float32),
                data["intercept"].astype(np.float32),
                [str(c) for c in data["classes"]],
                bool(data["multilabel"][0]),
                # models saved before rows were normalized hold no such flag
                bool(data["normalized"][0]) if "normalized" in data.files else False,
            )
