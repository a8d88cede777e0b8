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


def test_a_normalized_model_scales_rows_alike_when_fitting_reading_and_after_loading(tmp_path):
    """Rows scaled to unit length: a row's score must not depend on how many known features
    it has beyond their share, and the flag must survive saving (else loaded models drift)."""
    model = LinearModel.fit(ROWS, LABELS, c=16.0, normalized=True)
    assert model.normalized
    scores = model.scores([["a"], ["b", "y"], ["c", "z", "unseen"]])
    assert [model.classes[i] for i in scores.argmax(axis=1)] == ["one", "two", "three"]
    # One known feature alone scores as that feature's whole weight (length 1)
    plain = model.coef[:, model.vocabulary["a"]] + model.intercept
    expected = np.exp(plain - plain.max()) / np.exp(plain - plain.max()).sum()
    assert np.allclose(scores[0], expected, atol=1e-5)
    model.save(tmp_path / "n.npz")
    loaded = LinearModel.load(tmp_path / "n.npz")
    assert loaded.normalized
    rows = [["a", "x"], ["c", "z"]]
    assert np.allclose(loaded.scores(rows), model.scores(rows))
    # Reading the same row without scaling gives other probabilities: the flag matters
    unscaled = LinearModel(model.vocabulary, model.coef, model.intercept, model.classes, False)
    assert not np.allclose(unscaled.scores(rows), model.scores(rows))
