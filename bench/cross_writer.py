"""Leave one writer out: train without a writer's corpus file, score on it.

    .venv/bin/python bench/cross_writer.py [--writers writer-w3,writer-w5]

The figure for tuning between fresh sets: each writer's chat is unseen by a model trained on
the others (the data/nlu examples are always in). Fresh sets from new writers stay the measure
that is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--writers", default="")
    opts = args.parse_args()
    files = sorted(CORPUS.glob("*.jsonl"))
    chosen = [f for f in files if not opts.writers or f.stem in opts.writers.split(",")]
    config = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))
    for held_out in chosen:
        with tempfile.TemporaryDirectory(prefix="taizhang-fold-") as folder:
            fold = Path(folder)
            (fold / "corpus").mkdir()
            for other in files:
                if other != held_out:
                    (fold / "corpus" / other.name).symlink_to(other)
            fold_config = dict(config)
            fold_config["importers"] = [
                {"name": "RasaFileImporter"},
                {"name": "nlu.corpus.CorpusImporter", "corpus": str(fold / "corpus")},
            ]
            config_path = fold / "config.yml"
            config_path.write_text(yaml.safe_dump(fold_config, allow_unicode=True), "utf-8")
            models = fold / "models"
            code = (
                "import sys; from pathlib import Path; from nlu.training import train;"
                "print(train(config=Path(sys.argv[1])))"
            )
            trained = subprocess.run(
                [sys.executable, "-c", code, str(config_path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "TAIZHANG_MODEL_DIR": str(models)},
            )
            lines = trained.stdout.strip().splitlines()
            if trained.returncode or not lines:
                print(trained.stderr[-2000:], file=sys.stderr)
                continue
            model = lines[-1]
            out = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "score_set.py"),
                    str(held_out),
                    "--model",
                    model,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            for line in out.stdout.splitlines():
                if line.startswith("{"):
                    print(
                        json.dumps(
                            {"held_out": held_out.stem, **json.loads(line)}, ensure_ascii=False
                        )
                    )


if __name__ == "__main__":
    main()
