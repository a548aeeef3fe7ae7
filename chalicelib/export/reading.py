"""What the export reads: every matching chat, oldest first, with its messages, and whose view of
the chats it holds.

The chats come from the store's history (month or agent partitions, oldest first); the messages
of consecutive chats come 100 at a time by BatchGetItem (their keys follow from each chat's
last_seq), a few batches ahead of the writer on a small thread pool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from chalicelib import bootstrap
from chalicelib.domain.entities import Conversation, ExportedMessage, ExportJob
from chalicelib.domain.history import HistoryFilter
from chalicelib.domain.model import Principal, Role

CHATS_PER_GROUP = 100  # chats read together when they have few or no messages (bounds a group's memory)


def chats_with_messages(
    query: HistoryFilter, read_ahead: int
) -> Iterator[tuple[Conversation, list[ExportedMessage]]]:
    """Every matching chat, oldest first, with its messages.

    Consecutive chats are grouped so that a group's messages fill one BatchGetItem (a longer chat
    is a group of its own, read by Query); up to `read_ahead` groups are read on a thread pool
    while the writer works through the ones before them.
    """
    store = bootstrap.store()
    jobs = store.export_jobs
    pool = ThreadPoolExecutor(max_workers=read_ahead, thread_name_prefix="export-read")
    window: deque[tuple[list[Conversation], Future[dict[str, list[ExportedMessage]]]]] = deque()
    group: list[Conversation] = []
    group_messages = 0

    def submit() -> None:
        nonlocal group, group_messages
        chats = [(conv.conversation_id, int(conv.last_seq or 0)) for conv in group]
        window.append((group, pool.submit(jobs.messages_of_chats, chats)))
        group, group_messages = [], 0

    def drain(keep: int) -> Iterator[tuple[Conversation, list[ExportedMessage]]]:
        while len(window) > keep:
            convs, pending = window.popleft()
            messages = pending.result()
            for conv in convs:
                yield conv, messages[conv.conversation_id]

    try:
        for conv in store.history.chats(query):
            count = int(conv.last_seq or 0)
            if group and (group_messages + count > jobs.MESSAGES_PER_BATCH or len(group) >= CHATS_PER_GROUP):
                submit()
            group.append(conv)
            group_messages += count
            yield from drain(read_ahead)
        if group:
            submit()
        yield from drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def export_reader(job: ExportJob) -> Principal | None:
    """Whose view of the chats the export holds: None for an admin's (every chat)."""
    if job.requested_role == Role.ADMIN.value:
        return None
    agent = bootstrap.store().agents.get(job.requested_by)
    may_chat = agent is not None and bool(agent.chat_permission) and not agent.disabled
    return Principal(role=Role.AGENT, user_id=job.requested_by, may_chat=may_chat)
