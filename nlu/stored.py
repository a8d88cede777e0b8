"""A trainable Rasa component whose trained model is one folder of Rasa's model storage.

The fact model and the activity chooser create, load and fall back the same way: a missing or
unreadable model is logged and the component runs without it (the pipeline's earlier reading
stands). Subclasses say how to read their model and take it as `__init__`'s fourth argument.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

log = logging.getLogger(__name__)


class StoredModelComponent(GraphComponent):
    """`create` and `load` for a component with a model folder (see the module)."""

    # What the pipeline does without the model, for the warning
    without_model = "the component passes messages through"

    @classmethod
    def read_model(cls, folder: Path, config: dict[str, Any]) -> Any:
        raise NotImplementedError

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoredModelComponent:
        return cls(config, model_storage, resource)  # type: ignore[call-arg]

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredModelComponent:
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as folder:
                model = cls.read_model(Path(folder), merged)
        except (ValueError, FileNotFoundError, OSError):
            log.warning(
                "trained model not found",
                extra={"component": cls.__name__, "fallback": cls.without_model},
            )
            return cls(config, model_storage, resource)  # type: ignore[call-arg]
        return cls(config, model_storage, resource, model)  # type: ignore[call-arg]
