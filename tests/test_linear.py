"""nlu.linear: the sparse linear model every learned reader uses, fitted, saved and loaded."""

from __future__ import annotations

import numpy as np

from nlu.linear import LinearModel

ROWS = [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"], ["c", "x"], ["c", "z"]] * 5
LABELS = ["one", "one", "two", "two", "three", "three"] * 5


def test_a_fitted_model_reads_its_own_features_and_survives_saving(tmp_path):
    model = LinearModel.fit(ROWS, LABELS, c=4.0)
    scores = model.scores([["a"], ["b"], ["c"], ["unseen"]])
    assert [model.classes[i] for i in scores[:3].argmax(axis=1)] == ["one", "two", "three"]
    assert np.allclose(scores.sum(axis=1), 1.0)
    assert model.coef.shape == (3, len(model.vocabulary))
    model.save(tmp_path / "m.npz")
    loaded = LinearModel.load(tmp_path / "m.npz")
    assert loaded.classes == model.classes
    assert np.allclose(loaded.scores([["a"], ["c", "z"]]), model.scores([["a"], ["c", "z"]]))


def test_fitting_twice_gives_the_same_weights():
    first = LinearModel.fit(ROWS, LABELS)
    second = LinearModel.fit(ROWS, LABELS)
    assert np.array_equal(first.coef, second.coef)


def test_two_labels_score_both():
    model = LinearModel.fit(ROWS[:4] * 3, ["one", "one", "two", "two"] * 3)
    (row,) = model.scores([["a"]])
    assert model.classes == ["one", "two"] and row[0] > 0.5 > row[1]
