"""A linear intent classifier whose trained weights load in milliseconds.

Rasa's LogisticRegressionClassifier persists with skops; importing `skops.io` scans every
loaded module for trusted types, which took 3-15 s of the bot's start-up here (NOTES.md
measured 17 s to load such a model). This component trains the same scikit-learn
multinomial logistic regression on the same sparse sentence features, but stores only
its weights in a numpy `.npz` (no pickle, nothing executable) and predicts with one
sparse matrix product and a softmax.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.corpus import LABELS_KEY

log = logging.getLogger(__name__)
WEIGHTS_FILE = "weights.npz"


def sentence_features(message: Message) -> scipy.sparse.csr_matrix:
    """All sparse, then all dense sentence features of the text, side by side (1 row).

    The same layout as Rasa's `Message.get_sparse_features`/`get_dense_features`, without
    their deep copies, which cost about a millisecond a message here.
    """
    sentence = [
        f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE
    ]
    parts = [scipy.sparse.csr_matrix(f.features) for f in sentence if f.is_sparse()]
    parts += [scipy.sparse.csr_matrix(f.features) for f in sentence if f.is_dense()]
    if not parts:
        return scipy.sparse.csr_matrix((1, 0))
    return scipy.sparse.hstack(parts, format="csr")


def source_weights(examples: list[Message], weights: dict[str, float]) -> np.ndarray | None:
    """Each example's weight by its corpus source (nlu.corpus labels_of), 1 when unnamed;
    None when every weight is 1 (the fit is then the unweighted one)."""
    if not weights:
        return None
    found = []
    for example in examples:
        labels = example.get(LABELS_KEY) or {}
        found.append(float(weights.get(str(labels.get("source")), 1.0)))
    return np.array(found, dtype=np.float64)


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Multinomial logistic regression over the pipeline's sentence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 1.0,
            "max_iter": 1000,
            "class_weight": "balanced",
            "ranking_length": 7,
            # Weight of a training line by the corpus file it comes from (its stem, e.g.
            # generated-catalogue); lines of other sources and Rasa's YAML weigh 1.
            "source_weights": {},
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: dict[str, np.ndarray] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._coef = weights["coef"] if weights else None  # (features, classes), CSC-friendly
        self._intercept = weights["intercept"] if weights else None
        self._classes = list(weights["classes"]) if weights else []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        # The importers' order can follow Python's hash seed; a fixed order makes a retrained
        # model the same model (the solver's path depends on the order of the rows).
        examples.sort(key=lambda e: (e.get(INTENT), e.get(TEXT)))
        if not examples:
            log.warning("no intent examples; the classifier stays untrained")
            return self._resource
        x = scipy.sparse.vstack([sentence_features(e) for e in examples], format="csr")
        y = [e.get(INTENT) for e in examples]
        weights = source_weights(examples, self._config.get("source_weights") or {})
        model = LogisticRegression(
            C=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            class_weight=self._config["class_weight"],
            solver="lbfgs",
            random_state=42,
        )
        with warnings.catch_warnings(record=True) as caught:
            # config.yml caps the iterations on purpose (stopping early fits unseen chat as
            # well as converging does, in a third of the time): say so, as information.
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(x, y, sample_weight=weights)
        for warning in caught:
            if issubclass(warning.category, ConvergenceWarning):
                iterations = int(np.max(model.n_iter_))
                log.info("intent classifier stopped at its cap", extra={"iterations": iterations})
            else:
                log.warning("intent classifier: %s", warning.message)
        classes = np.array([str(c) for c in model.classes_])
        coef = np.asarray(model.coef_, dtype=np.float64).T
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if len(classes) == 2:  # sklearn keeps one column for two classes; make it two
            coef = np.hstack([-coef, coef])
            intercept = np.array([-intercept[0], intercept[0]])
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, coef=coef, intercept=intercept, classes=classes)
        self._coef, self._intercept, self._classes = coef, intercept, list(classes)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with (
                model_storage.read_from(resource) as directory,
                np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored,
            ):
                weights = {key: stored[key] for key in ("coef", "intercept", "classes")}
        except (ValueError, FileNotFoundError, OSError):
            log.warning("intent classifier weights missing; predicting nothing")
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, weights)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._coef is None:
            return messages
        for message in messages:
            features = sentence_features(message)
            if features.shape[1] != self._coef.shape[0]:
                # The featurizers' code changed since training: retrain (taizhang train).
                log.error(
                    "feature size differs from the trained model; intent left unset",
                    extra={"features": features.shape[1], "trained": self._coef.shape[0]},
                )
                continue
            probabilities = softmax(features @ self._coef + self._intercept)[0]
            order = np.argsort(-probabilities)
            ranking = [
                {"name": self._classes[i], "confidence": float(probabilities[i])}
                for i in order[: int(self._config["ranking_length"])]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
