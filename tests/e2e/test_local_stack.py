"""`python -m infra.local` with the real app, driven as the product is used: an agent signs in
through Cognito (moto) and goes online, a customer checks availability, consents, starts a chat,
and messages flow both ways through the WebSocket gateway. Also: the emulated resources match
the AWS template, and SIGINT leaves no process behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import websockets
from e2e_support import ROOT, aws_client, http, local_stack, next_frame, session_processes, sign_in, stack_log

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


def _send(conversation_id: str, client_id: str, text: str) -> str:
    return json.dumps(
        {
            "action": "message.send",
            "conversationId": conversation_id,
            "clientMessageId": client_id,
            "text": text,
        }
    )


def test_agent_and_customer_chat(stack: dict[str, Any]) -> None:
    async def scenario() -> None:
        token = sign_in(stack, "agent1@example.com")
        async with websockets.connect(f"{stack['websocket']}?token={token}") as agent:
            await agent.send(json.dumps({"action": "status.set", "status": "online"}))
            status = await next_frame(agent, "agent.status")
            assert (status["agentId"], status["status"]) == ("agent1@example.com", "online")

            code, _, availability = await asyncio.to_thread(
                http, "GET", f"{stack['api']}/widget/availability"
            )
            assert code == 200 and availability["enabled"] and availability["agentsOnline"]
            start = {
                "consent": True,
                "consentVersion": availability["consent"]["version"],
                "customerName": "홍길동",
            }
            code, headers, chat = await asyncio.to_thread(http, "POST", f"{stack['api']}/chats", start)
            assert code == 201 and headers["Access-Control-Allow-Origin"] == "*"
            assert {"conversationId", "token", "state", "position"} <= set(chat)
            conversation_id = chat["conversationId"]
            assigned = await next_frame(agent, "chat.assigned")
            assert assigned["conversation"]["conversationId"] == conversation_id

            async with websockets.connect(f"{stack['websocket']}?token={chat['token']}") as customer:
                await customer.send(_send(conversation_id, "c-1", "안녕하세요"))
                ack = await next_frame(customer, "message.ack")
                assert ack["clientMessageId"] == "c-1" and ack["message"]["seq"] >= 1
                new = await next_frame(agent, "message.new")
                assert (new["message"]["text"], new["message"]["role"]) == ("안녕하세요", "customer")

                await agent.send(_send(conversation_id, "a-1", "반갑습니다, 무엇을 도와드릴까요?"))
                assert (await next_frame(agent, "message.ack"))["clientMessageId"] == "a-1"
                reply = await next_frame(customer, "message.new")
                assert reply["message"]["text"] == "반갑습니다, 무엇을 도와드릴까요?"
                assert reply["message"]["seq"] > ack["message"]["seq"]

                await customer.send(json.dumps({"action": "ping"}))
                assert (await next_frame(customer, "pong"))["at"] > 0

    asyncio.run(scenario())


def test_bad_tokens_fail_the_handshake(stack: dict[str, Any]) -> None:
    async def status_of(query: str) -> int:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(f"{stack['websocket']}{query}"):
                pass
        return refused.value.response.status_code

    assert asyncio.run(status_of("?token=forged.token.value")) == 401
    assert asyncio.run(status_of("")) == 401


def test_oversized_frame_closes_the_connection(stack: dict[str, Any]) -> None:
    async def scenario() -> int | None:
        token = sign_in(stack, "admin@example.com")
        async with websockets.connect(f"{stack['websocket']}?token={token}", max_size=None) as ws:
            await ws.send("x" * (128 * 1024 + 1))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=5)
        return closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(scenario()) == 1009


def test_unknown_connection_is_gone(stack: dict[str, Any]) -> None:
    management = aws_client(stack, "apigatewaymanagementapi", endpoint_url=stack["managementEndpoint"])
    with pytest.raises(management.exceptions.GoneException):
        management.post_to_connection(ConnectionId="AbCdEfGhIjKlMnO=", Data=b"{}")


def test_emulated_resources_follow_the_aws_template(stack: dict[str, Any]) -> None:
    written = subprocess.run(
        [sys.executable, "-m", "infra.aws.template"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "TABLE_PREFIX"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(written) == json.loads((ROOT / "infra/aws/resources.json").read_text()), (
        "infra/aws/resources.json is stale: python -m infra.aws.template > infra/aws/resources.json"
    )
    template = json.loads(written)["Resources"]
    refs = stack["resources"]
    dynamodb = aws_client(stack, "dynamodb")
    for logical_id, resource in template.items():
        if resource["Type"] == "AWS::DynamoDB::Table":
            table = dynamodb.describe_table(TableName=refs[logical_id])["Table"]
            expected = {i["IndexName"] for i in resource["Properties"].get("GlobalSecondaryIndexes", [])}
            assert {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])} == expected
    s3 = aws_client(stack, "s3")
    bucket = refs["ExportsBucket"]
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["Expiration"]["Days"] == 7
    sqs = aws_client(stack, "sqs")
    redrive = sqs.get_queue_attributes(QueueUrl=refs["ExportQueue"], AttributeNames=["RedrivePolicy"])
    assert json.loads(redrive["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"].endswith("-exports-dlq")
    kms = aws_client(stack, "kms")
    assert kms.get_key_rotation_status(KeyId=refs["MaskingKey"])["KeyRotationEnabled"]
    cognito = aws_client(stack, "cognito-idp")
    groups = cognito.list_groups(UserPoolId=stack["userPoolId"])["Groups"]
    assert {g["GroupName"] for g in groups} == {"agents", "supervisors", "admins"}
    client = cognito.describe_user_pool_client(UserPoolId=stack["userPoolId"], ClientId=stack["clientId"])
    assert "ALLOW_USER_PASSWORD_AUTH" in client["UserPoolClient"]["ExplicitAuthFlows"]
    with urllib.request.urlopen(stack["jwksUrl"], timeout=5) as response:  # what the app verifies with
        assert json.loads(response.read())["keys"][0]["alg"] == "RS256"


def test_the_banner_prints_the_urls_and_the_demo_sign_ins(stack: dict[str, Any]) -> None:
    log = stack_log(stack)
    for line in (f"{stack['base']}/console/", f"{stack['base']}/admin/", stack["websocket"], "Ctrl-C"):
        assert line in log, line
    for username, password in (
        ("admin@example.com", "Admin-Passw0rd!"),
        ("agent1@example.com", "Agent1-Passw0rd!"),
        ("agent2@example.com", "Agent2-Passw0rd!"),
        ("supervisor1@example.com", "Supervisor1-Passw0rd!"),
    ):
        assert any(username in row and password in row for row in log.splitlines()), username


def test_concurrent_rest_requests_each_get_their_own_body(stack: dict[str, Any]) -> None:
    """Chalice keeps the request in one shared attribute: the proxy must not let requests mix."""
    headers = {"Authorization": f"Bearer {sign_in(stack, 'agent1@example.com')}"}
    url = f"{stack['api']}/me/status"
    bodies = [{"status": "break"} if i % 2 else {"status": f"nonsense-{i}"} for i in range(40)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda body: http("PUT", url, body, headers), bodies))
    for body, (code, _, answer) in zip(bodies, answers, strict=True):
        if body["status"] == "break":
            assert (code, answer["status"]) == (200, "break"), answer
        else:
            assert (code, answer["code"]) == (400, "invalid_field") and "status" in answer["message"], answer
    assert http("PUT", url, {"status": "offline"}, headers)[0] == 200


def test_sigint_stops_everything(stack: dict[str, Any]) -> None:
    """Last in this module: Ctrl-C closes clients (1001), stops moto, and leaves no process."""
    process = stack["process"]

    async def scenario() -> int | None:
        token = sign_in(stack, "agent2@example.com")
        async with websockets.connect(f"{stack['websocket']}?token={token}") as ws:
            await ws.send(json.dumps({"action": "ping"}))
            await next_frame(ws, "pong")
            process.send_signal(signal.SIGINT)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=10)
        return closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(scenario()) == 1001
    assert process.wait(timeout=15) == 0
    deadline = time.monotonic() + 5
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(process.pid) == []
    for url in (stack["base"] + "/_local/status", stack["awsEndpoint"]):
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
