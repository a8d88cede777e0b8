"""The one message path for every channel: store, check, parse, act, reply.

1. The raw message is committed before anything else (status `received`), so nothing said
   is ever lost — not to a parser error, not to a crash. (channel, message_id) is unique:
   a message already handled is a duplicate and returns no reply, also after a restart.
   A message stored but never handled (the process died in between) is handled now.
2. Unknown rooms get no ledger access (a short reply only if they addressed the bot);
   "@法治台账 绑定 XX镇" binds one (actions/bind_room.py). In a bound room an unknown
   member is registered as staff of its town on their first work report or addressed
   message; chatter registers no one. Rooms set to mentions_only ignore messages that do
   not mention the bot.
3. The parser's result is recorded on the message; below the confidence threshold nothing
   is logged: the sender is asked one short question and the message waits for review.
   A bare follow-up ("又排查了6处", "还有两场") is read in the light of the same person's last
   logged message in the room (actions/follow_up.py): the parse stays on the message as the
   text alone reads, the note names the message it goes on from, the facts follow the topic.
4. The action for the intent runs in the same transaction that records the outcome, so a
   message is either fully handled (status + facts) or not at all.
5. Whatever goes wrong with one message (short of the database being unreachable, which
   the channel's spool handles) is rolled back, and the message is stored as `failed` with
   the reason, for review: nothing one message contains stops the others.
6. Slow work an action asks for (a report render) runs after the commit in one background
   thread (bot/background.py); the reply that announced it carries a `follow_up` future
   with what to say when it is done, so the next message is not kept waiting.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from actions import action_for, confirm, recaps, replies, running_totals
from actions.admin_role import make_admin, requested_admin
from actions.base import ActionContext, ActionOutcome
from actions.bind_room import bind, requested_town
from actions.follow_up import as_follow_up
from actions.log import describe
from actions.question import as_question
from bot import plausibility
from bot.answers import answer_kind
from bot.background import Background
from bot.inbound import clean_incoming, for_parsing
from bot.message import IncomingMessage, Picture, Reply
from bot.settings import Settings
from bot.spool import is_database_unavailable
from bot.storage.messages import find_message, lock_message, stored_messages
from bot.storage.models import Message, MessageStatus, Person, Room, Town
from bot.storage.outsized import Outsized, outsized
from bot.storage.questions import open_question
from bot.storage.registry import ensure_person, find_person, find_room
from bot.storage.units import display
from nlu.result import Fact, ParseResult

log = logging.getLogger(__name__)

# What a group message acts on without an @mention: work reports and their corrections.
# Everything else (queries, help, greetings, chatter) is answered only when addressed.
UNADDRESSED_INTENTS = frozenset({"log_activity", "correct_last"})
# Facts of an imported line the model was unsure of: logged (nobody can be asked), marked.
UNSURE_IMPORTED_NOTE = "[unsure: imported, not asked]"
# A summary's totals the ledger holds nothing of (actions/recaps.unposted_of): proposed as work.
UNPOSTED_NOTE = "summary of work the ledger lacks for"
OUTSIZED_NOTE = "[as large as the year so far: a running total?]"

T = TypeVar("T")


def _key(msg: IncomingMessage) -> tuple[str, str, str]:
    """A message's identity in the ledger: (channel, room, channel message id); chat
    exports number their messages per room."""
    return msg.channel, msg.room or "", msg.message_id


# The longest text stored verbatim; a pasted document beyond this is cut (and noted).
MAX_STORED_CHARS = 20000


class MessageParser(Protocol):
    def parse(self, text: str, now: datetime, id=None) -> ParseResult: ...


@dataclass
class Outcome:
    """What happened to one incoming message (channels use `replies`; replay counts the rest)."""

    status: str
    replies: list[Reply] = field(default_factory=list)
    facts_logged: int = 0
    duplicate: bool = False
    message_id: int | None = None  # the ledger's row id
    later: list[Callable[[Session], ActionOutcome]] = field(default_factory=list)


@dataclass
class BatchLookups:
    """What one transaction already knows, so each message of a batch costs no extra queries.

    Only found rows are kept: a room bound or a person registered later in the batch is
    looked up again. Rows stay valid because the batch is one session. A single message
    gets an empty one.
    """

    messages: dict[tuple[str, str, str], Message] = field(default_factory=dict)
    parsed: dict[tuple[str, str, str], ParseResult] = field(default_factory=dict)
    rooms: dict[tuple[str, str], Room] = field(default_factory=dict)
    people: dict[tuple[str, str], Person] = field(default_factory=dict)


def _remembered(cache: dict, key: tuple[str, str], load: Callable[[], T | None]) -> T | None:
    """`load()`, kept in `cache` once it has found something."""
    found = cache.get(key)
    if found is None:
        found = load()
        if found is not None:
            cache[key] = found
    return found


class Dispatcher:
    """Hands each incoming message through storage, NLU and the actions; synchronous."""

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker,
        parser: MessageParser,
        background: Background | None = None,
    ):
        self.settings = settings
        self.session_factory = session_factory
        self.parser = parser
        self.zone = ZoneInfo(settings.timezone)
        self.background = background or Background()

    def handle(self, msg: IncomingMessage) -> list[Reply]:
        """The replies to send for `msg` ([] for duplicates and chatter)."""
        return self.process(msg).replies

    def process(self, msg: IncomingMessage, *, store_first: bool = True) -> Outcome:
        """Handle `msg` and report what was done with it.

        `store_first=False` stores and handles the message in one transaction: for sources
        that keep their own durable copy (a replayed export file), where a crash loses
        nothing because the line is read again — one commit per message instead of two.
        """
        msg = clean_incoming(msg)
        if not store_first:
            return self._start_later(self._store_and_handle(msg), msg)
        row_id, handled_status = self._store_raw(msg)
        if handled_status is not None:
            return Outcome(handled_status, duplicate=True, message_id=row_id)
        try:
            return self._start_later(self._handle_stored(row_id, msg), msg)
        except Exception as exc:
            if is_database_unavailable(exc):
                raise
            return self._failed(msg, exc)

    def _start_later(self, outcome: Outcome, msg: IncomingMessage) -> Outcome:
        """Hand the outcome's slow work to the background thread (the message is committed);
        the last reply carries the future of what to say when it is done."""
        if not outcome.later:
            return outcome
        work, outcome.later = outcome.later, []
        future = self.background.submit(partial(self._run_later, work, msg))
        last = outcome.replies[-1] if outcome.replies else Reply(text="")
        outcome.replies[-1:] = [dataclasses.replace(last, follow_up=future)]
        return outcome

    def _run_later(
        self, work: list[Callable[[Session], ActionOutcome]], msg: IncomingMessage
    ) -> list[Reply]:
        said: list[Reply] = []
        for item in work:
            with self.session_factory() as session:
                acted = item(session)
                session.commit()
            said += self._outcome(
                acted.status, acted.replies, msg, files=acted.files, pictures=acted.pictures
            ).replies
        return said

    def process_batch(self, msgs: list[IncomingMessage]) -> list[Outcome]:
        """Store and handle several messages in one transaction, in order.

        For sources that keep their own durable copy (a replayed export file): a crash
        loses at most the batch, which is read and handled again on the next run. Per batch,
        not per message: one commit, one query for the lines already stored, one run of the
        NLU graph, one lookup per room and person; that is what makes a 100,000-line replay
        fit in minutes on PostgreSQL. On a conflict (the same message stored concurrently)
        the batch is rolled back and handled one message at a time.
        """
        if not msgs:
            return []
        msgs = [clean_incoming(msg) for msg in msgs]
        with self.session_factory() as session:
            stored = self._stored_messages(session, msgs)
            to_parse = [
                msg
                for msg in msgs
                if (found := stored.get(_key(msg))) is None or found.handled_at is None
            ]
            lookups = BatchLookups(messages=stored, parsed=self._parse_batch(to_parse))
            try:
                outcomes = [self._store_and_handle_in(session, msg, lookups) for msg in msgs]
                session.commit()
                return [self._start_later(o, m) for o, m in zip(outcomes, msgs, strict=True)]
            except IntegrityError:
                session.rollback()
            except Exception as exc:  # one bad message: redo the batch one message at a time
                if is_database_unavailable(exc):
                    raise
                log.warning("batch failed, handling its messages one at a time: %r", exc)
                session.rollback()
        return [self._start_later(self._store_and_handle(msg), msg) for msg in msgs]

    @staticmethod
    def _stored_messages(
        session: Session, msgs: list[IncomingMessage]
    ) -> dict[tuple[str, str, str], Message]:
        """The batch's messages that are already in the ledger."""
        return stored_messages(session, map(_key, msgs))

    def _parse_batch(self, msgs: list[IncomingMessage]) -> dict[tuple[str, str, str], ParseResult]:
        """Parse the whole batch in one pass when the parser can (Rasa runs its graph once).

        Texts are parsed as they will be stored (cut at MAX_STORED_CHARS); a parser that
        fails on the batch leaves every message to be parsed, and reported, on its own."""
        parse_many = getattr(self.parser, "parse_many", None)
        if parse_many is None or not msgs:
            return {}
        items = [
            (for_parsing(self._stored_text(msg)[0]), self._aware(msg.time).astimezone(self.zone))
            for msg in msgs
        ]
        try:
            return dict(zip(map(_key, msgs), parse_many(items), strict=True))
        except Exception:
            log.exception("batch parse failed; parsing one message at a time")
            return {}

    def _store_and_handle(self, msg: IncomingMessage) -> Outcome:
        for _attempt in range(2):
            with self.session_factory() as session:
                try:
                    outcome = self._store_and_handle_in(session, msg)
                    session.commit()
                except IntegrityError:  # stored concurrently: handle it as found
                    session.rollback()
                    continue
                except Exception as exc:
                    session.rollback()
                    if is_database_unavailable(exc):
                        raise
                    return self._failed(msg, exc)
                return outcome
        raise RuntimeError(f"could not store message {msg.channel}:{msg.message_id}")

    def _failed(self, msg: IncomingMessage, exc: Exception) -> Outcome:
        """Record that handling `msg` raised `exc` (in a fresh transaction: the failed one
        was rolled back), so the message waits for review with its reason; the sender is
        told it was kept."""
        log.error(
            "message failed: %s: %s",
            type(exc).__name__,
            exc,
            exc_info=exc,
            extra={"channel": msg.channel, "message_id": msg.message_id},
        )
        reason = f"error: {type(exc).__name__}: {exc}"[:2000]
        outcome = self._outcome(MessageStatus.FAILED, [replies.text("not_understood.error")], msg)
        try:
            with self.session_factory() as session:
                message = self._find(session, msg)
                if message is None:
                    message = self._raw_row(msg)
                    session.add(message)
                elif message.handled_at is not None:  # handled meanwhile elsewhere
                    return Outcome(message.status, duplicate=True, message_id=message.id)
                message.status = MessageStatus.FAILED
                message.note = reason
                message.handled_at = datetime.now(timezone.utc)
                session.commit()
                outcome.message_id = message.id
        except Exception as again:
            if is_database_unavailable(again):
                raise
            log.exception("could not record the failed message", extra={"id": msg.message_id})
        return outcome

    def _store_and_handle_in(
        self,
        session: Session,
        msg: IncomingMessage,
        lookups: BatchLookups | None = None,
    ) -> Outcome:
        """Store and handle `msg` in the caller's transaction (IntegrityError: stored
        concurrently; the caller rolls back and retries)."""
        key = _key(msg)
        if lookups is None:  # nothing prefetched
            lookups = BatchLookups()
            message = self._find(session, msg)
        else:
            message = lookups.messages.get(key)
        if message is not None and message.handled_at is not None:
            return Outcome(message.status, duplicate=True, message_id=message.id)
        if message is None:
            message = self._raw_row(msg)
            session.add(message)
            session.flush()
            lookups.messages[key] = message  # the same line twice in one batch: a duplicate
        outcome = self._finish(session, message, msg, lookups)
        outcome.message_id = message.id
        return outcome

    # -- step 1: store first ----------------------------------------------------------

    def _store_raw(self, msg: IncomingMessage) -> tuple[int, str | None]:
        """Insert the raw message; returns its row id and, if it was already handled, its status."""
        for _attempt in range(2):
            with self.session_factory() as session:
                existing = self._find(session, msg)
                if existing is not None:
                    handled = existing.status if existing.handled_at is not None else None
                    return existing.id, handled
                row = self._raw_row(msg)
                session.add(row)
                try:
                    session.commit()
                except IntegrityError:  # the same message arrived concurrently
                    session.rollback()
                    continue
                return row.id, None
        raise RuntimeError(f"could not store message {msg.channel}:{msg.message_id}")

    @staticmethod
    def _find(session: Session, msg: IncomingMessage) -> Message | None:
        return find_message(session, msg.channel, msg.room, msg.message_id)

    @staticmethod
    def _stored_text(msg: IncomingMessage) -> tuple[str, str | None]:
        """The text as stored, and a note when a pasted document had to be cut."""
        text = msg.text or ""
        if len(text) > MAX_STORED_CHARS:
            return text[:MAX_STORED_CHARS], f"text cut from {len(text)} characters"
        return text, None

    def _raw_row(self, msg: IncomingMessage) -> Message:
        """The message exactly as received; room and person are linked once checked."""
        text, note = self._stored_text(msg)
        return Message(
            channel=msg.channel,
            channel_message_id=msg.message_id,
            channel_room_id=msg.room,
            channel_sender_id=msg.sender,
            sender_name=msg.sender_name,
            sent_at=self._aware(msg.time),
            text=text,
            mentions_bot=bool(msg.mentions_bot),
            status=MessageStatus.RECEIVED,
            note=note,
        )

    def _aware(self, moment: datetime) -> datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)

    # -- steps 2-4: check, parse, act, record ------------------------------------------

    def _handle_stored(self, row_id: int, msg: IncomingMessage) -> Outcome:
        with self.session_factory() as session:
            message = lock_message(session, row_id)
            if message.handled_at is not None:  # handled meanwhile by a concurrent delivery
                return Outcome(message.status, duplicate=True, message_id=row_id)
            outcome = self._finish(session, message, msg, BatchLookups())
            session.commit()
        outcome.message_id = row_id
        return outcome

    def _finish(
        self,
        session: Session,
        message: Message,
        msg: IncomingMessage,
        lookups: BatchLookups,
    ) -> Outcome:
        """Decide and record the outcome on the message row (the caller commits)."""
        now = self._aware(msg.time).astimezone(self.zone)
        addressed = msg.mentions_bot or msg.room is None
        outcome = self._decide(session, message, msg, now, addressed, lookups)
        message.status = outcome.status
        message.handled_at = datetime.now(timezone.utc)
        return outcome

    def _decide(
        self,
        session: Session,
        message: Message,
        msg: IncomingMessage,
        now: datetime,
        addressed: bool,
        lookups: BatchLookups,
    ) -> Outcome:
        town_name = requested_town(msg.text) if addressed and msg.room is not None else None
        if town_name is not None:
            reply = bind(session, msg, town_name)
            return self._outcome(MessageStatus.ANSWERED, [reply], msg)
        room, person, refusal = self._access(session, msg, lookups)
        if refusal is not None:
            say = [refusal] if addressed else []
            return self._outcome(MessageStatus.UNREGISTERED, say, msg)
        message.room_id = room.id if room else None
        message.person_id = person.id if person else None
        if room is not None and room.mentions_only and not msg.mentions_bot:
            return self._outcome(MessageStatus.IGNORED, [], msg)
        typed = requested_admin(msg.text) if addressed else None
        if typed is not None:
            person = person or self._admit(session, message, msg, room, lookups)
            reply = make_admin(session, msg, person, room, typed)
            return self._outcome(MessageStatus.ANSWERED, [reply], msg)
        answer = answer_kind(for_parsing(message.text)) if person is not None else None
        if answer is not None:
            window = timedelta(minutes=self.settings.question_window_minutes)
            room_id = room.id if room is not None else None
            asked = open_question(session, person.id, room_id, since=now - window)
            if asked is not None:
                return self._answer(session, message, msg, asked, answer, person, room, now)

        parsed = lookups.parsed.get(_key(msg))
        try:
            if parsed is not None:
                result = dataclasses.replace(parsed, id=message.id)
            else:
                result = self.parser.parse(for_parsing(message.text), now=now, id=message.id)
        except Exception as exc:  # the message is stored; say so, keep it for review
            log.exception("parser failed", extra={"message_row": message.id})
            message.note = f"parser error: {type(exc).__name__}: {exc}"[:2000]
            return self._outcome(
                MessageStatus.NOT_UNDERSTOOD, [replies.text("not_understood.error")], msg
            )
        message.parse_json = json.dumps(result.to_dict(), ensure_ascii=False)
        message.intent = result.intent
        message.confidence = float(result.confidence)
        if result.error:  # the extractor failed: nothing it read can be trusted
            # Said even unaddressed: it may have been a work report the sender thinks is logged.
            message.note = f"extractor error: {result.error}"[:2000]
            return self._outcome(
                MessageStatus.NOT_UNDERSTOOD, [replies.text("not_understood.error")], msg
            )
        threshold = self.settings.confidence_threshold
        if addressed:  # a plain question about the ledger is answered, however unsure
            question = as_question(result, for_parsing(message.text), threshold)
            if question is not None:
                message.note = f"read as a question (parsed as {result.intent})"
                message.intent = question.intent
                result = dataclasses.replace(question, confidence=max(threshold, result.confidence))

        if person is None:  # a member of a bound group, not registered yet
            if not (addressed or result.work):
                return self._outcome(MessageStatus.IGNORED, [], msg)
            person = self._admit(session, message, msg, room, lookups)
        continued = as_follow_up(
            session, self.settings, message, for_parsing(message.text), result, person, room, now
        )
        if continued is not None:  # "又排查了6处": the sender's previous report sets the topic
            result, previous = continued
            message.note = f"follow-up of message {previous.id} (parsed as {message.intent})"
            message.intent = result.intent
        town_id = room.town_id if room is not None else person.town_id
        text = for_parsing(message.text)
        recap = recaps.recap_of(session, town_id, text, result, now.date())
        if recap is not None:  # "上周小结：调处纠纷3件…" of records already in the ledger
            result, period = recap
            message.parse_json = json.dumps(result.to_dict(), ensure_ascii=False)
            message.note = f"recap of figures the ledger holds for {period or 'the days named'}"
        unposted = recaps.unposted_of(session, town_id, text, result, now.date())
        if unposted is not None:  # "本周小结：…" of work nobody posted: asked before it is logged
            result, period = unposted
            message.intent = result.intent
            message.parse_json = json.dumps(result.to_dict(), ensure_ascii=False)
            message.note = f"{UNPOSTED_NOTE} {period}"
        # Before any question about it too: never propose a value or a day that cannot be right
        # ("是记为…3件（2099年5月1日）吗？")
        if result.intent in UNADDRESSED_INTENTS or result.work:
            finding = plausibility.check(text, result, now.date())
            if finding is not None and (addressed or result.intent in UNADDRESSED_INTENTS):
                message.note = f"implausible: {finding.key}: {finding.detail}"[:2000]
                problem = replies.text(f"implausible.{finding.key}", detail=finding.detail)
                said = replies.text("implausible.intro", problem=problem)
                return self._outcome(MessageStatus.NOT_UNDERSTOOD, [said], msg)
        if result.confidence < threshold:
            return self._not_understood(result, msg, addressed, now)
        if not addressed and result.intent not in UNADDRESSED_INTENTS:
            return self._outcome(MessageStatus.IGNORED, [], msg)
        totals_only = result.intent == "log_activity" and not result.work
        if totals_only and not running_totals.quoted(result, ""):
            return self._not_understood(result, msg, addressed, now)
        if result.intent == "log_activity" and unposted is None:
            big = self._outsized(session, town_id, result)
            if big:  # "执法检查220次" against 35次 in 12 records: quoted, or real?
                message.note = " ".join(filter(None, [OUTSIZED_NOTE, message.note]))
                return self._ask(result, msg, now, big)
        if result.intent == "log_activity" and (unposted is not None or self._unsure(result)):
            if msg.live:
                return self._ask(result, msg, now)
            # logged, and findable for a check
            message.note = " ".join(filter(None, [UNSURE_IMPORTED_NOTE, message.note]))

        town = session.get(Town, town_id)
        if totals_only:  # a running total alone: checked against the ledger, never added
            lines = running_totals.check_lines(
                session, town.id, result, now.date(), say_agreement=addressed
            )
            return self._outcome(MessageStatus.ANSWERED, lines, msg)
        ctx = ActionContext(
            session=session,
            settings=self.settings,
            message=message,
            result=result,
            person=person,
            town=town,
            room=room,
            now=now,
        )
        acted: ActionOutcome = action_for(result.intent)(ctx)
        texts = acted.replies
        if acted.status == MessageStatus.LOGGED:  # its own work counts before its totals
            texts = texts + running_totals.check_lines(session, town.id, result, now.date())
        outcome = self._outcome(
            acted.status, texts, msg, files=acted.files, pictures=acted.pictures
        )
        outcome.facts_logged = acted.facts_logged
        outcome.later = acted.later
        return outcome

    def _unsure(self, result: ParseResult) -> bool:
        """A work fact the model gives less than the threshold: ask before logging it."""
        threshold = self.settings.fact_confidence_threshold
        return any(fact.confidence < threshold for fact in result.work)

    def _outsized(self, session: Session, town_id: int, result: ParseResult) -> list[Outsized]:
        min_records, over_largest = plausibility.year_to_date_thresholds()
        return outsized(
            session, town_id, result.work, min_records=min_records, over_largest=over_largest
        )

    def _ask(
        self,
        result: ParseResult,
        msg: IncomingMessage,
        now: datetime,
        big: list[Outsized] | None = None,
    ) -> Outcome:
        """ "是记为…吗？": nothing is logged until the sender answers (actions/confirm.py).
        A figure as large as the year so far (`big`) is asked about naming what the ledger
        holds. Nobody answers an imported history: its guesses wait for review instead."""
        if not msg.live:
            return self._outcome(MessageStatus.NOT_UNDERSTOOD, [], msg)
        items, when = describe(list(result.work), now.date())
        if big:
            first = big[0]
            question = replies.text(
                "ask.outsized",
                items=items + when,
                activity=first.fact.activity,
                records=first.records,
                ledger=display(first.ledger, first.unit),
            )
        else:
            question = replies.text("ask.question", items=items + when)
        return self._outcome(MessageStatus.ASKED, [question], msg)

    def _answer(
        self,
        session: Session,
        message: Message,
        msg: IncomingMessage,
        asked: Message,
        answer: str,
        person: Person,
        room: Room | None,
        now: datetime,
    ) -> Outcome:
        """The sender's 是 / 不是 to the open question about `asked`."""
        proposal = json.loads(asked.parse_json or "{}")
        facts = [Fact.from_dict(fact) for fact in proposal.get("facts") or []]
        message.note = f"answer to message {asked.id}"
        ctx = ActionContext(
            session=session,
            settings=self.settings,
            message=message,
            result=ParseResult(asked.text, "log_activity", 1.0, facts, id=asked.id),
            person=person,
            town=session.get(Town, room.town_id if room is not None else person.town_id),
            room=room,
            now=now,
        )
        acted = confirm.confirm(ctx, asked) if answer == "yes" else confirm.decline(ctx, asked)
        outcome = self._outcome(acted.status, acted.replies, msg)
        outcome.facts_logged = acted.facts_logged
        return outcome

    @staticmethod
    def _access(
        session: Session, msg: IncomingMessage, lookups: BatchLookups
    ) -> tuple[Room | None, Person | None, str | None]:
        """The registered room and person, or the polite reason there is no ledger access."""
        room = None
        if msg.room is not None:
            room = _remembered(
                lookups.rooms,
                (msg.channel, msg.room),
                lambda: find_room(session, msg.channel, msg.room),
            )
            if room is None:  # logged so an administrator can bind it by id from the CLI
                log.info(
                    "message from an unbound room",
                    extra={"channel": msg.channel, "room": msg.room, "topic": msg.room_topic},
                )
                return None, None, replies.text("unregistered.room")
        person = _remembered(
            lookups.people,
            (msg.channel, msg.sender),
            lambda: find_person(session, msg.channel, msg.sender),
        )
        if person is None:  # in a bound group members register on their first work message
            return room, None, None if room is not None else replies.text("unregistered.person")
        if room is not None and person.town_id != room.town_id:
            return room, person, replies.text("unregistered.other_town")
        return room, person, None

    @staticmethod
    def _admit(
        session: Session,
        message: Message,
        msg: IncomingMessage,
        room: Room,
        lookups: BatchLookups,
    ) -> Person:
        """Register a bound group's member as staff of its town, named as WeChat names them."""
        town = session.get(Town, room.town_id)
        person = ensure_person(session, msg.channel, msg.sender, town, display_name=msg.sender_name)
        lookups.people[(msg.channel, msg.sender)] = person
        message.person_id = person.id
        log.info(
            "member registered",
            extra={"channel": msg.channel, "sender": msg.sender, "town_id": town.id},
        )
        return person

    def _not_understood(
        self, result: ParseResult, msg: IncomingMessage, addressed: bool, now: datetime
    ) -> Outcome:
        """Never log a guess: ask about it (or explain), and leave it in the review queue.

        Unaddressed, only a guessed work report (with facts) is asked about, so a busy group
        is not answered on every "收到"; other unaddressed guesses stay silent."""
        if not addressed and not (result.intent == "log_activity" and result.work):
            status = (
                MessageStatus.IGNORED
                if result.intent == "out_of_scope"
                else MessageStatus.NOT_UNDERSTOOD
            )
            return self._outcome(status, [], msg)
        if result.work:
            return self._ask(result, msg, now)
        if result.intent == "log_activity":
            text = replies.text("not_understood.no_number")
        else:
            text = replies.text("not_understood.general")
        return self._outcome(MessageStatus.NOT_UNDERSTOOD, [text], msg)

    @staticmethod
    def _outcome(
        status: str,
        texts: list[str],
        msg: IncomingMessage,
        files: list[Path] | None = None,
        pictures: list[Picture] | None = None,
    ) -> Outcome:
        mention = msg.sender if msg.room is not None else None
        out = [Reply(text=t, mention=mention) for t in texts]
        for path in files or []:  # the first file goes with the last text ("请查收")
            if out and out[-1].file is None:
                out[-1] = dataclasses.replace(out[-1], file=path)
            else:
                out.append(Reply(text="", mention=mention, file=path))
        for picture in pictures or []:  # likewise the first picture
            if out and out[-1].picture is None:
                out[-1] = dataclasses.replace(out[-1], picture=picture)
            else:
                out.append(Reply(text="", mention=mention, picture=picture))
        return Outcome(status, out)
