"""Drafting the report's Chinese text from ReportData; the words come from phrases.yml.

The structure follows what 《法治政府建设与责任落实督察工作规定》 asks of an annual report:
一 主要举措和成效 (one sub-section per section with records), 二 第一责任人履职,
三 不足和原因 (from the ledger's gaps, marked for the author to check), 四 下一年安排,
then the issuing organ and the date.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from bot.reports.figures import chinese_date, figure, is_rate
from bot.reports.highlights import pick_highlights
from bot.reports.model import (
    Block,
    ComposedReport,
    Figure,
    Gaps,
    Highlight,
    Metric,
    ReportData,
    SectionData,
)
from bot.reports.periods import period_values
from bot.reports.phrasebook import Phrasebook, fill, load_phrasebook
from nlu.numbers import same_measure
from nlu.sections import short_titles

CHINESE_ORDINALS = "一二三四五六七八九十"
LEADERSHIP = "leadership"


def ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二 (sub-heading numbers （一）…（十二）)."""
    if n <= 10:
        return CHINESE_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else CHINESE_ORDINALS[tens - 1])
        + "十"
        + (CHINESE_ORDINALS[ones - 1] if ones else "")
    )


def organ_name(town: str, phrases: Phrasebook) -> str:
    """The issuing organ for the signature: 白岩镇 -> 白岩镇人民政府, XX街道 -> XX街道办事处."""
    signature = phrases.get("signature")
    if any(town.endswith(s) for s in signature["already_organ"]):
        return town
    for ending, suffix in signature["by_ending"].items():
        if town.endswith(ending):
            return town + suffix
    return town + signature["default_suffix"]


def repeats_totals(highlights: list[Highlight], records: int) -> bool:
    """Every fact of the section comes from one message: quoting it as an example would
    only say the totals sentence again ("全年共办件6件。工作中，1月29日，办件6件。")."""
    messages = {(h.date, h.person, h.text) for h in highlights}
    return len(messages) == 1 and sum(len(h.figures) for h in highlights) == records


def text_label(phrases: Phrasebook, label: str) -> str:
    """How an activity is named in the prose (phrases.yml totals.label_in_text)."""
    return (phrases.get("totals", "label_in_text") or {}).get(label, label)


def item_phrase(phrases: Phrasebook, label: str, value: Decimal, unit: str) -> str:
    """ "调解矛盾纠纷406件", "调解成功率达99%", "参学8927人" (a 人数 label loses 人数)."""
    shown = figure(value, unit)
    if is_rate(unit):
        return fill(phrases.get("totals", "rate_item"), label=label, figure=shown)
    for ending, template in phrases.get("totals", "label_endings").items():
        if label.endswith(ending) and len(label) > len(ending):
            return fill(template, stem=label[: -len(ending)], figure=shown)
    return fill(phrases.get("totals", "item"), label=label, figure=shown)


def figure_phrase(phrases: Phrasebook, metric: Metric) -> str:
    """One figure in the report's words (the town draft and the county summary share it)."""
    return item_phrase(phrases, text_label(phrases, metric.label), metric.value, metric.unit)


class _Drafter:
    """Holds the data and the seeded phrasebook while the parts are written in order."""

    def __init__(self, data: ReportData, phrases: Phrasebook) -> None:
        self.data = data
        self.p = phrases.with_seed(f"{data.town}|{data.year}")
        self.year = data.year
        self.in_progress = data.as_of.year == data.year and (data.as_of.month, data.as_of.day) < (
            12,
            31,
        )
        self.values = {
            "town": data.town,
            "year": data.year,
            "next_year": data.year + 1,
            "prev_year": data.year - 1,
            "as_of": chinese_date(data.as_of),
            **period_values(data.year),
        }
        min_ratio = Decimal(str(self.p.setting("min_change_ratio")))
        min_base = Decimal(str(self.p.setting("min_change_base")))
        self.changes = data.changes(min_ratio, min_base)
        self.gaps: Gaps = data.find_gaps(
            int(self.p.setting("little_work")),
            self.changes,
            frozenset(self.p.get("fewer_is_better")),
        )
        self.blocks: list[Block] = []
        self.section_texts: dict[str, str] = {}

    def say(self, *path: str, salt: str = "", **extra: object) -> str:
        return self.p.say(*path, salt=salt, **{**self.values, **extra})

    # -- figures and highlights --------------------------------------------------------

    def totals_sentence(self, metrics: list[Metric], salt: str) -> str:
        """Every figure of the section, each activity and unit on its own: sums in one
        sentence ("全年共调解矛盾纠纷406件，调解成功率达99%。"), stated zeros ("全年信访案件为零。")
        and stocks as they stand at the end ("截至年底，建成法治文化广场1个。")."""
        summed = [m for m in metrics if m.is_summed and m.value != 0]
        zeros = [m for m in metrics if m.is_summed and m.value == 0]
        rates = [m for m in metrics if m.is_rate]
        stocks = [m for m in metrics if m.is_stock]
        separator = self.p.get("totals", "separator")
        kind = "to_date" if self.in_progress else "full_year"
        sentences = []
        if summed:
            items = separator.join([self.summed_items(summed), *map(self.figure_item, rates)])
            sentences.append(self.say("totals", kind, salt=salt, items=items))
        elif rates:
            items = separator.join(self.figure_item(m) for m in rates)
            sentences.append(self.say("totals", "rates_only", salt=salt, items=items))
        if zeros:
            items = separator.join(map(self.zero_item, zeros))
            sentences.append(self.say("totals", "zeros", kind, salt=salt, items=items))
        if stocks:
            items = self.summed_items(stocks)
            sentences.append(self.say("totals", "stocks", kind, salt=salt, items=items))
        return "".join(sentences)

    def summed_items(self, metrics: list[Metric]) -> str:
        """One activity in several units is named once: "发放宣传资料4000份、30册", "建成法治
        文化阵地1个、12块" (each figure still its own, as in the JSON)."""
        runs: list[list[Metric]] = []
        for metric in metrics:
            if runs and runs[-1][0].label == metric.label:
                runs[-1].append(metric)
            else:
                runs.append([metric])
        joiner = self.p.get("totals", "same_activity_separator")
        return self.p.get("totals", "separator").join(
            joiner.join([self.figure_item(run[0]), *(figure(m.value, m.unit) for m in run[1:])])
            for run in runs
        )

    def zero_item(self, metric: Metric) -> str:
        """ "制定行政规范性文件为零", or how the work's zero reads ("无信访案件")."""
        said = (self.p.get("totals", "zero_in_text") or {}).get(metric.label)
        return said or fill(self.p.get("totals", "zero_item"), label=self.label(metric))

    def label(self, metric: Metric) -> str:
        return text_label(self.p, metric.label)

    def figure_item(self, metric: Metric) -> str:
        """ "调解矛盾纠纷406件", "调解成功率达99%", "参学8927人" (a 人数 label loses 人数)."""
        return figure_phrase(self.p, metric)

    def item_text(self, label: str, value: Decimal, unit: str) -> str:
        return item_phrase(self.p, label, value, unit)

    def highlight_sentence(self, item: Highlight) -> str:
        """ "5月18日，在白岩村围绕民法典开展普法宣传活动2场，发放宣传资料500份": the date of
        the work, then place, topic and figures, all from the ledger's facts."""
        place = (
            fill(self.p.get("highlight_place"), place=item.place)
            if self.citable(item.place)
            else ""
        )
        topic = fill(self.p.get("highlight_topic"), topic=item.topic) if item.topic else ""
        works = self.p.get("totals", "separator").join(self.event_texts(item.figures))
        return fill(
            self.p.get("highlight_fact"),
            date=chinese_date(item.date),
            place=place,
            topic=topic,
            works=works,
        )

    def event_texts(self, figures: tuple[Figure, ...]) -> list[str]:
        """The figures of an example, one activity named once ("开展普法宣传活动40个、1场"); a
        single event alone is named without its 1 ("组织干部学法", not "组织干部学法1次"), as
        the seeds write a dated event."""
        runs: dict[str, list[Figure]] = {}
        heads = set(self.p.get("highlight_head_counts"))
        for item in sorted(figures, key=lambda f: f.label in heads):  # the work, then who
            run = runs.setdefault(item.label, [])
            same = next((i for i, f in enumerate(run) if _sums_with(f, item)), None)
            if same is None:
                run.append(item)
            else:  # "调解矛盾纠纷3件、2起" of one day is 5件: words for one unit are summed
                run[same] = dataclasses.replace(run[same], value=run[same].value + item.value)
        texts = []
        single_units = self.p.get("highlight_single_event_units")
        for label, items in runs.items():
            label = (self.p.get("totals", "label_in_text") or {}).get(label, label)
            first = items[0]
            single = len(items) == 1 and not first.stated and first.value == 1
            if single and first.unit in single_units:
                texts.append(label)
                continue
            rest = (figure(i.value, i.unit) for i in items[1:])
            texts.append(
                self.p.get("totals", "same_activity_separator").join(
                    [self.item_text(label, first.value, first.unit), *rest]
                )
            )
        return texts

    def citable(self, place: str | None) -> bool:
        """A village or community is where a township's work happened; a township-level name
        is the town itself ("在白岩镇" says nothing in its own report) or a misread ("寒假返乡")."""
        skip = tuple(self.p.get("highlight_place_skip_endings"))
        return bool(place) and place != self.data.town and not place.endswith(skip)

    def is_work(self, item: Highlight) -> bool:
        """A dated example says work done: a summed figure that is not only who took part
        ("5月15日，参学86人" and "3月11日，配备村法律顾问5个" are not events)."""
        heads = set(self.p.get("highlight_head_counts"))
        return any(not f.stated and f.label not in heads for f in item.figures)

    def highlights_sentence(self, highlights: list[Highlight], salt: str) -> str:
        at_most = int(self.p.setting("highlights_max"))
        chosen = pick_highlights([h for h in highlights if self.is_work(h)], at_most)
        if not chosen:
            return ""
        lead = self.p.pick("highlight_lead", salt=salt)
        joined = self.p.get("highlight_separator").join(self.highlight_sentence(h) for h in chosen)
        return f"{lead}{joined}。"

    def year_on_year(self, section_id: str, salt: str) -> str:
        """ "与上年相比，调解矛盾纠纷由200件增至239件，…。": the rises and falls that matter,
        only where the previous year is in the ledger."""
        changes = [c for c in self.changes if c.section_id == section_id]
        if not changes:
            return ""
        limit = int(self.p.setting("max_changes_in_text"))
        changes = sorted(changes, key=lambda c: -abs(c.current - c.previous))[:limit]
        items = self.p.get("year_on_year", "separator").join(
            self.say(
                "year_on_year",
                "rose" if c.rose else "fell",
                label=self.p.get("totals", "label_in_text").get(c.label, c.label),
                previous=figure(c.previous, c.unit),
                current=figure(c.current, c.unit),
            )
            for c in changes
        )
        return self.say("year_on_year", "sentence", salt=salt, items=items)

    def section_body(self, section: SectionData, salt: str) -> str:
        metrics, highlights = section.metrics, section.highlights
        quoted = [] if repeats_totals(highlights, section.records) else highlights
        parts = [
            self.say("sections", section.id, "intro", salt=salt),
            self.totals_sentence(metrics, salt),
            self.year_on_year(section.id, salt),
            self.highlights_sentence(quoted, salt),
            self.say("sections", section.id, "closing", salt=salt),
        ]
        return "".join(p for p in parts if p)

    # -- the parts -----------------------------------------------------------------------

    def title(self) -> str:
        return self.say("title")

    def opening(self) -> None:
        text = self.say("opening")
        if self.in_progress:
            text += self.say("opening_to_date_note")
        self.blocks.append(Block("body", text))

    def measures(self) -> None:
        self.blocks.append(Block("heading", self.say("parts", "measures")))
        number = 0
        for section in self.data.sections:
            if section.id == LEADERSHIP or not section.has_records:
                continue
            number += 1
            heading = self.say("sections", section.id, "headings")
            lead = f"（{ordinal(number)}）{heading}。"
            body = self.section_body(section, section.id)
            self.blocks.append(Block("body", body, lead=lead))
            self.section_texts[section.id] = lead + body
        if number == 0:
            self.blocks.append(Block("body", self.say("measures_empty")))

    def leadership(self) -> None:
        self.blocks.append(Block("heading", self.say("parts", "leadership")))
        section = self.data.section(LEADERSHIP)
        if section is None or not section.has_records:
            text = self.say("sections", LEADERSHIP, "intro") + self.say(
                "sections", LEADERSHIP, "no_records"
            )
            self.blocks.append(Block("body", text))
            self.section_texts[LEADERSHIP] = text
            return
        body = self.section_body(section, "part2")
        self.blocks.append(Block("body", body))
        self.section_texts[LEADERSHIP] = body

    def shortcomings(self) -> None:
        self.blocks.append(Block("heading", self.say("parts", "shortcomings")))
        check = self.p.get("check_mark")
        weak = self.gaps.weak_sections
        if not weak:
            self.blocks.append(Block("body", self.say("shortcomings", "none") + check))
            return
        self.blocks.append(Block("body", self.say("shortcomings", "intro")))
        ordinals = self.p.get("shortcomings", "ordinals")
        shown, rest = self.gaps.prioritised(int(self.p.setting("max_weak_items")))
        for index, section_id in enumerate(shown):
            text = ordinals[index % len(ordinals)] + self.weakness(section_id) + "。" + check
            self.blocks.append(Block("body", text))
            self.section_texts.setdefault(section_id, text)
        if rest:
            text = self.grouped_rest(rest) + "。" + check
            self.blocks.append(Block("body", text))
            for section_id in rest:
                self.section_texts.setdefault(section_id, text)
        self.blocks.append(Block("body", self.say("shortcomings", "reasons") + check))

    def grouped_rest(self, rest: tuple[str, ...]) -> str:
        """ "此外，A、B等方面部分工作量较上年有所下降；C、D等方面……未见工作记录，……"."""
        kinds: dict[str, list[str]] = {"thin": [], "fell": [], "uncovered": []}
        for section_id in rest:
            if section_id in self.gaps.uncovered:
                kinds["uncovered"].append(section_id)
            elif section_id in self.gaps.thin:
                kinds["thin"].append(section_id)
            else:
                kinds["fell"].append(section_id)
        parts = [
            self.say(
                "shortcomings",
                "grouped_rest",
                kind,
                titles="、".join(self.say("sections", s, "short") for s in ids),
            )
            for kind, ids in kinds.items()
            if ids
        ]
        separator = self.p.get("shortcomings", "grouped_rest_separator")
        return (
            self.p.get("shortcomings", "grouped_rest_lead")
            + separator.join(parts)
            + self.p.get("shortcomings", "grouped_rest_tail")
        )

    def weakness(self, section_id: str) -> str:
        """The shortcoming sentence for a section's work; a fall that matters adds its two
        figures. How many records the ledger holds is never a shortcoming of the work."""
        text = self.say("sections", section_id, "weakness")
        falls = [f for f in self.gaps.falls if f.section_id == section_id]
        if not falls:
            return text
        items = self.p.get("shortcomings", "evidence_fall_separator").join(
            self.say(
                "shortcomings",
                "evidence_fall_item",
                label=f.label,
                previous=figure(f.previous, f.unit),
                current=figure(f.current, f.unit),
            )
            for f in falls[:2]
        )
        return text + self.say("shortcomings", "evidence_fall", items=items)

    def plans(self) -> None:
        self.blocks.append(Block("heading", self.say("parts", "plans")))
        self.blocks.append(Block("body", self.say("plans", "intro")))
        limit = int(self.p.setting("max_plan_items"))
        strong_count = int(self.p.setting("strong_sections_in_plan"))
        itemised, rest = self.gaps.prioritised(int(self.p.setting("max_weak_items")))
        weak = [*itemised, *rest]
        strong = [
            s.id
            for s in sorted(self.data.sections, key=lambda s: -s.records)
            if s.has_records and s.id not in weak
        ][:strong_count]
        weak = weak[: max(0, limit - len(strong))]
        order = [s.id for s in self.data.sections]
        items = sorted({*weak, *strong}, key=order.index)
        for number, section_id in enumerate(items, start=1):
            heading = self.say("sections", section_id, "plan_heading")
            kind = "keep_body" if section_id in strong else "plan_body"
            body = self.say("sections", section_id, kind)
            self.blocks.append(Block("body", body, lead=f"（{ordinal(number)}）{heading}。"))
        ending = self.say("ending")
        if ending:
            self.blocks.append(Block("body", ending))

    def signature(self) -> None:
        self.blocks.append(Block("signature", organ_name(self.data.town, self.p)))
        self.blocks.append(Block("date", chinese_date(self.data.as_of, with_year=True)))

    def author_checks(self) -> None:
        """After the signature, for the author only: running totals quoted in chat that the
        ledger's sums do not give (a report missed, or one counted twice)."""
        if not self.data.checks:
            return
        items = self.p.get("author_checks", "separator").join(
            self.say(
                "author_checks",
                "item",
                date=chinese_date(m.date),
                sender=m.sender,
                label=m.label,
                quoted=figure(m.quoted, m.unit),
                ledger=figure(m.ledger, m.unit),
            )
            for m in self.data.checks
        )
        self.blocks.append(Block("body", self.say("author_checks", "intro") + items + "。"))

    def unreviewed(self) -> None:
        """After the signature, for the author only: figures under names the bot made up,
        left out of the text until someone reviews them."""
        if not self.data.unreviewed:
            return
        titles = short_titles()
        items = self.p.get("unreviewed", "separator").join(
            fill(
                self.p.get("unreviewed", "item"),
                section=titles.get(section_id, section_id),
                label=metric.label,
                figure=figure(metric.value, metric.unit),
            )
            for section_id, metric in self.data.unreviewed
        )
        intro, outro = self.p.get("unreviewed", "intro"), self.p.get("unreviewed", "outro")
        self.blocks.append(Block("body", intro + items + outro))

    def compose(self) -> ComposedReport:
        title = self.title()
        self.opening()
        self.measures()
        self.leadership()
        self.shortcomings()
        self.plans()
        self.signature()
        self.author_checks()
        self.unreviewed()
        return ComposedReport(
            data=self.data,
            title=title,
            blocks=[Block("title", title), *self.blocks],
            section_texts=self.section_texts,
        )


def compose_report(data: ReportData, phrases: Phrasebook | None = None) -> ComposedReport:
    """The whole draft as blocks (title, headings, paragraphs, signature, date)."""
    return _Drafter(data, phrases or load_phrasebook()).compose()


def _sums_with(first: Figure, second: Figure) -> bool:
    """Two counted figures in words the ledger sums as one (件 and 起, 场 and 场次)."""
    if first.stated or second.stated:
        return False
    return same_measure(first.unit, second.unit)
