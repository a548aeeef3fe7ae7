"""`make run` (python -m infra.local): the whole product on 127.0.0.1, on emulated AWS, in one process.

- moto (DynamoDB, S3, SQS, KMS, Cognito) on a free port, with the resources of
  infra/aws/template.py created in it and the demo users added;
- one HTTP server on PORT (default 8000): the WebSocket gateway at /ws and its management API
  at /_aws/ws/local/@connections/{id}, the REST API under /api/, frontend/ at /, and
  /_local/status (JSON: URLs, ids, demo sign-ins); /_local/mail (what SES was given to send);
  /_local/clock (tests only, LOCAL_CLOCK_CONTROL=true: the app's clock moved forward, clock.py);
- pollers feeding the SQS handlers.
The app sees AWS only through environment variables set before it is imported.
Development tooling: never packaged into a Lambda.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiohttp import web

from infra.local.aws_calls import install_from_environment as install_aws_call_log
from infra.local.clock import AdjustableClock, add_clock_routes, adjustable_clock
from infra.local.gateway import Limits, WebSocketGateway
from infra.local.mail import add_mail_routes, verify_sender
from infra.local.moto_dynamodb import install_item_rollback, route_dynamodb_in_process
from infra.local.moto_server import LocalMotoServer
from infra.local.resources import DEMO_USERS, create_demo_users, create_local_stack
from infra.local.rest import RestProxy
from infra.local.sampler import start_from_environment as start_sampler
from infra.local.schedule import ScheduleRunner
from infra.local.sqs import SqsPoller
from infra.local.static import StaticSite
from infra.local.streams import StreamPoller

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-northeast-2"
STACK_NAME = "livechat-local"
WS_STAGE = "local"
MANAGEMENT_BASE_PATH = f"/_aws/ws/{WS_STAGE}"

log = logging.getLogger("infra.local")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--app",
        default=os.environ.get("LOCAL_APP_MODULE", "app"),
        help="module holding the Chalice `app` (default: app)",
    )
    return parser.parse_args(argv)


def _limits() -> Limits:
    # API Gateway's limits; the LOCAL_WS_* overrides exist so tests need not wait 10 minutes.
    defaults = Limits()
    return Limits(
        max_message_bytes=defaults.max_message_bytes,
        idle_seconds=float(os.environ.get("LOCAL_WS_IDLE_SECONDS", defaults.idle_seconds)),
        max_connection_seconds=float(
            os.environ.get("LOCAL_WS_MAX_CONNECTION_SECONDS", defaults.max_connection_seconds)
        ),
    )


def _base_environment(moto_endpoint: str, port: int) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": moto_endpoint,  # botocore sends every client here
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TABLE_PREFIX": f"{STACK_NAME}-",  # the template names tables ${AWS::StackName}-<suffix>
        "WS_MANAGEMENT_ENDPOINT": f"http://127.0.0.1:{port}{MANAGEMENT_BASE_PATH}",
        # Staff REST routes answer CORS for the console's own origin only (see chalicelib/entrypoints/cors.py).
        "CORS_ALLOW_ORIGIN": os.environ.get("CORS_ALLOW_ORIGIN") or f"http://127.0.0.1:{port}",
    }


def provision(moto_endpoint: str, port: int) -> dict[str, Any]:
    """Set the environment, create the template's resources and the demo users; return ids for status."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(_base_environment(moto_endpoint, port))
    # Imported only now: the models read TABLE_PREFIX when they are imported.
    from chalicelib.store.tables import ALL_MODELS
    from infra.aws.template import build_template

    stack = create_local_stack(moto_endpoint, REGION, STACK_NAME, build_template(), ALL_MODELS)
    pool_id = stack.refs["UserPool"]
    create_demo_users(moto_endpoint, REGION, pool_id)
    os.environ.update(stack.environment)
    verify_sender(moto_endpoint, REGION)  # the transcript e-mail's sender (infra/local/mail.py)
    # The template requires MFA of admins; the demo's admin signs in without an authenticator app
    # unless LOCAL_ADMIN_MFA_REQUIRED=true (the browser test of the set-up screen sets it).
    os.environ["ADMIN_MFA_REQUIRED"] = os.environ.get("LOCAL_ADMIN_MFA_REQUIRED", "false")
    os.environ["WS_MANAGEMENT_ENDPOINT"] = f"http://127.0.0.1:{port}{MANAGEMENT_BASE_PATH}"
    os.environ["COGNITO_JWKS_URL"] = f"{moto_endpoint}/{pool_id}/.well-known/jwks.json"
    return {"userPoolId": pool_id, "clientId": stack.refs["UserPoolClient"], "resources": stack.refs}


def runtime_config(status: dict[str, Any]) -> dict[str, Any]:
    """What the front ends read from /config.json; on AWS `make publish-frontend` writes the same keys."""
    return {
        "api": status["api"],
        "websocket": status["websocket"],
        "cognito": {
            "region": status["region"],
            "userPoolId": status["userPoolId"],
            "clientId": status["clientId"],
            # The browser calls InitiateAuth itself, as on AWS; moto's server answers CORS.
            "endpoint": status["awsEndpoint"],
        },
        # Where attachments are uploaded to and shown from (S3 in moto): the pages' CSP names it.
        "attachmentsOrigin": status["awsEndpoint"],
    }


def build_web_app(
    app_module: Any, executor: ThreadPoolExecutor, status: dict[str, Any], clock: AdjustableClock | None = None
) -> web.Application:
    app = app_module.app
    gateway = WebSocketGateway(app, executor, stage=WS_STAGE, limits=_limits())
    web_app = web.Application(client_max_size=10 * 1024 * 1024)
    web_app["gateway"] = gateway

    async def local_status(_: web.Request) -> web.Response:
        return web.json_response({**status, "connections": len(gateway.connections)})

    web_app.router.add_get("/_local/status", local_status)
    add_mail_routes(web_app.router, REGION)  # /_local/mail: what SES (moto) was given to send
    if clock is not None:
        add_clock_routes(web_app.router, clock)  # /_local/clock: tests move the app's clock forward
    gateway.add_routes(web_app.router, "/ws", MANAGEMENT_BASE_PATH)
    RestProxy(app, executor).add_routes(web_app.router)
    StaticSite(ROOT / "frontend", runtime_config(status)).add_routes(web_app.router)
    return web_app


def _banner(status: dict[str, Any], pollers: list[str]) -> str:
    base = status["url"]
    lines = [
        f"livechat is running on {base}",
        f"  help centre (widget)   {base}",
        f"  agent console          {base}console/",
        f"  admin                  {base}admin/",
        f"  REST API               {status['api']}",
        f"  WebSocket              {status['websocket']}",
        f"  management API         {status['managementEndpoint']}/@connections/{{id}}",
        f"  emulated AWS (moto)    {status['awsEndpoint']}  region {status['region']}",
        f"  Cognito pool / client  {status['userPoolId']} / {status['clientId']}",
        f"  SQS handlers           {', '.join(pollers) or 'none yet'}",
        "  demo sign-ins:",
        *(f"    {u['username']:20s} {u['password']:18s} ({u['group']})" for u in status["demoUsers"]),
        "Data lives in memory for this run. Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


async def serve(
    app_module: Any, port: int, status: dict[str, Any], executor: ThreadPoolExecutor, clock: AdjustableClock | None
) -> None:
    web_app = build_web_app(app_module, executor, status, clock)
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, shutdown_timeout=5)
    await site.start()
    poller = SqsPoller(app_module, status["awsEndpoint"], REGION)
    pollers = poller.start()
    schedules = ScheduleRunner(app_module, REGION)
    scheduled = schedules.start()
    streams = StreamPoller(app_module, REGION)
    streamed = streams.start()
    print(_banner(status, pollers), flush=True)
    print(f"Schedules: {', '.join(scheduled) or 'none'}", flush=True)
    print(f"Stream handlers: {', '.join(streamed) or 'none'}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print("Stopping…", flush=True)
    await web_app["gateway"].close_all()  # clients see 1001; $disconnect runs for each
    poller.stop()
    schedules.stop()
    streams.stop()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
    for noisy in ("botocore", "pynamodb", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.path.insert(0, str(ROOT))

    sampler = start_sampler()  # LOCAL_PROFILE=<file>: where the time goes (infra/local/sampler.py)
    install_item_rollback()  # TransactWriteItems in O(items named), not O(table): see moto_dynamodb.py
    in_process = route_dynamodb_in_process()  # the app's DynamoDB calls skip the HTTP hop to moto
    moto = LocalMotoServer(REGION)
    moto.start()
    moto_endpoint = f"http://127.0.0.1:{moto.port}"
    # Handler threads ("concurrent Lambda invocations"); see docs/local.md (Load) for the choice.
    workers = int(os.environ.get("LOCAL_LAMBDA_WORKERS", "32"))
    # Every handler thread of this one process shares the push client (a Lambda container runs one).
    from chalicelib.realtime.push import FAN_OUT_WORKERS

    os.environ.setdefault("PUSH_MAX_POOL_CONNECTIONS", str(workers * (FAN_OUT_WORKERS + 1)))
    executor_options: dict[str, Any] = {"max_workers": workers, "thread_name_prefix": "lambda"}
    executor = sampler.executor(**executor_options) if sampler else ThreadPoolExecutor(**executor_options)
    try:
        ids = provision(moto_endpoint, args.port)
        from chalicelib.config import get_config

        get_config.cache_clear()  # in case anything read it before the environment was complete
        app_module = importlib.import_module(args.app)
        install_aws_call_log(app_module.app)  # tests only: LIVECHAT_AWS_CALL_LOG (infra/local/aws_calls.py)
        base = f"http://127.0.0.1:{args.port}"
        status = {
            "url": f"{base}/",
            "api": f"{base}/api",
            "websocket": f"ws://127.0.0.1:{args.port}/ws",
            "managementEndpoint": os.environ["WS_MANAGEMENT_ENDPOINT"],
            "awsEndpoint": moto_endpoint,
            "region": REGION,
            "tablePrefix": os.environ["TABLE_PREFIX"],
            "jwksUrl": os.environ["COGNITO_JWKS_URL"],
            "appModule": args.app,
            "dynamodbInProcess": in_process is not None,
            "pid": os.getpid(),
            **ids,
            "demoUsers": [{"username": u, "password": p, "group": g} for u, p, g in DEMO_USERS],
        }
        with adjustable_clock() as clock:  # LOCAL_CLOCK_CONTROL=true only (tests)
            asyncio.run(serve(app_module, args.port, {**status, "clockControl": clock is not None}, executor, clock))
    except OSError as exc:
        print(f"cannot start: {exc} (is port {args.port} in use? try PORT=9000 make run)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # Ctrl-C while still starting up: stop quietly
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        moto.stop()
        if sampler is not None:
            sampler.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
