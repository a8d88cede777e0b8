"""How far two careful annotators agree on one set: the ceiling a parser's figures sit under.

    .venv/bin/python bench/agreement.py bench/data/fresh/r4-guangxi.jsonl \
        bench/data/agreement/r4-guangxi-second-annotator.jsonl

The second file labels the same texts (same ids) by another writer who saw only the contract and
the texts. Prints intent agreement and fact P/R/F1 with the first file taken as the truth, scored
exactly as `bench/score_set.py` scores the parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_score import score  # noqa: E402


def main() -> None:
    first, second = (
        [json.loads(line) for line in Path(p).read_text("utf-8").splitlines() if line.strip()]
        for p in sys.argv[1:3]
    )
    result = score(first, second)
    print(
        json.dumps(
            {
                "messages": result.messages,
                "intent_agreement": round(result.intent_accuracy, 4),
                "fact_precision": round(result.precision, 4),
                "fact_recall": round(result.recall, 4),
                "fact_f1": round(result.f1, 4),
                "fact_f1_canonical_units": round(score(first, second, True).f1, 4),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
