"""The store as one object: a namespace per aggregate, each a module of functions that take and
return domain entities (chalicelib/domain/entities.py).

`dynamo_store()` is DynamoDB through pynamodb; `chalicelib.store.memory.memory_store()` is its
in-memory twin, held to the same behaviour by tests/contract and to the same signatures by the
Protocols of chalicelib/store/ports.py (mypy checks both constructions against them). The chat
path's modules are imported with this one (in Lambda's init phase, with the handler); the rest on
first use, so a chat handler's cold start does not load the export's or the history's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from chalicelib.lazy_import import lazy_module
from chalicelib.store import (
    agents,
    connections,
    conversations,
    lifecycle,
    messages,
    ports,
    queues,
    routing_settings,
    settings,
)

if TYPE_CHECKING:  # mypy checks the lazy modules against their ports too; nothing is imported at run time
    from chalicelib.store import attachments, audit, bulk, canned, export_jobs, history, reports, tickets, wallboard

    _LAZY: tuple[
        ports.Tickets,
        ports.Canned,
        ports.Audit,
        ports.History,
        ports.ExportJobs,
        ports.Bulk,
        ports.Reports,
        ports.Wallboard,
        ports.Attachments,
    ]
    _LAZY = (tickets, canned, audit, history, export_jobs, bulk, reports, wallboard, attachments)


@dataclass(frozen=True)
class Store:
    connections: ports.Connections
    agents: ports.Agents
    conversations: ports.Conversations
    queues: ports.Queues
    lifecycle: ports.Lifecycle
    messages: ports.Messages
    tickets: ports.Tickets
    canned: ports.Canned
    settings: ports.Settings
    audit: ports.Audit
    history: ports.History
    export_jobs: ports.ExportJobs
    bulk: ports.Bulk
    routing_settings: ports.RoutingSettings
    reports: ports.Reports
    wallboard: ports.Wallboard
    attachments: ports.Attachments


def dynamo_store() -> Store:
    # A lazy stand-in is typed Any, hence the casts; the eager modules are checked against their port.
    return Store(
        connections=connections,
        agents=agents,
        conversations=conversations,
        queues=queues,
        lifecycle=lifecycle,
        messages=messages,
        settings=settings,  # intake, assignment and status changes read the chat settings
        routing_settings=routing_settings,  # and the routing settings (teams, hours)
        tickets=cast(ports.Tickets, lazy_module("chalicelib.store.tickets")),
        canned=cast(ports.Canned, lazy_module("chalicelib.store.canned")),
        audit=cast(ports.Audit, lazy_module("chalicelib.store.audit")),
        history=cast(ports.History, lazy_module("chalicelib.store.history")),
        export_jobs=cast(ports.ExportJobs, lazy_module("chalicelib.store.export_jobs")),
        bulk=cast(ports.Bulk, lazy_module("chalicelib.store.bulk")),
        reports=cast(ports.Reports, lazy_module("chalicelib.store.reports")),  # the stream function, GET /reports
        wallboard=cast(ports.Wallboard, lazy_module("chalicelib.store.wallboard")),  # its viewers and their throttle
        attachments=cast(ports.Attachments, lazy_module("chalicelib.store.attachments")),  # uploads, the checker
    )
