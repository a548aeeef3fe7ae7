"""Every table, in the order the AWS template and the local stack create them.

Importing this loads the record models too: for infra, tests and benchmarks, not the request path.
"""

from __future__ import annotations

from pynamodb.models import Model

from chalicelib.store.connection_models import ConnectionModel
from chalicelib.store.models import (
    AgentModel,
    ConversationModel,
    MaskAuditModel,
    MessageModel,
    SettingsModel,
)
from chalicelib.store.record_models import CannedResponseModel, ExportJobModel, TicketHistoryModel, TicketModel
from chalicelib.store.report_models import ReportCounterModel

ALL_MODELS: tuple[type[Model], ...] = (
    ConnectionModel,
    AgentModel,
    ConversationModel,
    MessageModel,
    TicketModel,
    TicketHistoryModel,
    SettingsModel,
    CannedResponseModel,
    MaskAuditModel,
    ExportJobModel,
    ReportCounterModel,
)
