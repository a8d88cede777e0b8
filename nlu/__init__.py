"""Understanding chat: Rasa components for Chinese, the learned fact model and the parser."""

import sys

# TensorFlow (under Rasa) imports jax only to convert models to TFLite, which Rasa's NLU never
# does; keeping jax out saves about 80 MB of memory and 2 s at start (bench/bench_nlu.py).
sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
