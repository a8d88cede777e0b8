"""People's answers become training data: a message the sender confirmed after the bot asked
goes to <data_dir>/feedback as a corpus line, which the corpus importer and the model
fingerprint both see."""

from __future__ import annotations

import json

from bot.dispatcher import Dispatcher
from bot.feedback import FEEDBACK_FILE, export_feedback
from nlu.corpus import LABELS_KEY, CorpusImporter, check_record
from nlu.training import fingerprint
from tests.ledger_helpers import ScriptedParser, logged, simple

UNSURE = "下午把老李家和邻居的排水沟纠纷调了，另外接待来访3人次"
SCRIPT = {
    UNSURE: logged(
        UNSURE,
        ("disputes", "调解矛盾纠纷", 1, "件"),
        ("disputes", "接待群众来访", 3, "人次"),
        fact_confidence=0.3,
    ),
    "是": simple("是", "out_of_scope", confidence=0.9),
    "不是": simple("不是", "out_of_scope", confidence=0.9),
    "今天调解纠纷3件": logged("今天调解纠纷3件", ("disputes", "调解矛盾纠纷", 3, "件")),
}


def test_a_confirmed_message_becomes_a_corpus_line(
    settings, session_factory, registered, make_message, tmp_path
):
    bot = Dispatcher(settings, session_factory, ScriptedParser(SCRIPT))
    bot.handle(make_message(UNSURE, time="2024-05-16T15:00:00"))
    bot.handle(make_message("是", time="2024-05-16T15:02:00"))
    bot.handle(make_message(UNSURE, time="2024-05-17T15:00:00", message_id="declined"))
    bot.handle(make_message("不是", time="2024-05-17T15:02:00"))
    bot.handle(make_message("今天调解纠纷3件", time="2024-05-17T16:00:00"))  # sure: not decided

    folder = tmp_path / "feedback"
    assert export_feedback(session_factory, folder, settings.timezone) == 1
    (line,) = (folder / FEEDBACK_FILE).read_text("utf-8").splitlines()
    record = json.loads(line)
    assert check_record(record) is None
    assert record["text"] == UNSURE and record["now"].startswith("2024-05-16T15:00:00")
    assert [(f["value"], f["unit"], f["span"]) for f in record["facts"]] == [
        (1.0, "件", "纠纷"),
        (3.0, "人次", "3人次"),
    ]


def test_feedback_is_read_with_the_corpus_and_retrains_the_model(settings, tmp_path):
    before = fingerprint(settings)
    folder = settings.data_dir / "feedback"
    folder.mkdir(parents=True)
    record = {
        "id": "ledger-1",
        "now": "2024-05-16T15:00:00+08:00",
        "text": "接待来访3人次",
        "intent": "log_activity",
        "facts": [
            {
                "section": "disputes",
                "activity": "接待群众来访",
                "value": 3,
                "unit": "人次",
                "date": "2024-05-16",
                "place": None,
                "role": "new",
                "span": "3人次",
            }
        ],
        "other_numbers": [],
        "correction": None,
        "query": None,
    }
    (folder / FEEDBACK_FILE).write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    assert fingerprint(settings) != before
    importer = CorpusImporter(training_data_paths=[str(folder)], corpus=str(tmp_path / "none"))
    (example,) = importer.get_nlu_data().training_examples
    assert example.get(LABELS_KEY)["facts"][0]["span"] == "3人次"
