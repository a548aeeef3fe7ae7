"""REST route of the reports (issue #24): the aggregated numbers of a period, for admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import reports as service
else:
    service = lazy_module("chalicelib.services.reports")  # loaded on this route only

report_routes = Blueprint(__name__)

# What `chalice package` writes as the stream of the report function when the merge template does not
# say otherwise; infra/aws/template.py replaces it with the conversations table's StreamArn (GetAtt).
STREAM_ARN_PLACEHOLDER = "arn:aws:dynamodb:ap-northeast-2:000000000000:table/livechat-conversations/stream/unset"
# The same for the ticket events' function and the tickets table's stream.
TICKETS_STREAM_ARN_PLACEHOLDER = "arn:aws:dynamodb:ap-northeast-2:000000000000:table/livechat-tickets/stream/unset"


@report_routes.route("/reports", methods=["GET"], cors=CORS)
@edge(report_routes, Audience.ADMIN)
def get_report(caller: Principal) -> dict[str, Any]:
    return service.build_report(caller, dict(report_routes.current_request.query_params or {}))
