"""boto3 against `stepwise serve`: the SDK's own serialisation, errors and pagination, and
executions that survive the server being killed."""

import json
import random
import time

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole"
ACCOUNT_REGION = "us-east-1:123456789012"


def sm_arn(name):
    return f"arn:aws:states:{ACCOUNT_REGION}:stateMachine:{name}"


def wait_done(sfn, arn, timeout=30):
    deadline = time.time() + timeout
    while True:
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] != "RUNNING" or time.time() > deadline:
            return d
        time.sleep(0.1)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_create_start_describe_history(server):
    sfn = server.client()
    definition = {
        "StartAt": "Greet",
        "States": {
            "Greet": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hi {}', $.who)"}, "End": True}
        },
    }
    created = sfn.create_state_machine(name="Greeter", definition=json.dumps(definition), roleArn=ROLE)
    assert created["stateMachineArn"] == sm_arn("Greeter")
    assert created["creationDate"].year >= 2024  # a real datetime, parsed by botocore

    start = sfn.start_execution(stateMachineArn=sm_arn("Greeter"), name="x1", input='{"who": "boto3"}')
    done = wait_done(sfn, start["executionArn"])
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"msg": "Hi boto3"}

    events = sfn.get_execution_history(executionArn=start["executionArn"])["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == {"msg": "Hi boto3"}


def test_pagination_with_next_token(server):
    sfn = server.client()
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    for i in range(7):
        sfn.create_state_machine(name=f"M{i}", definition=definition, roleArn=ROLE)
    paginator = sfn.get_paginator("list_state_machines")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert len(pages) == 3
    names = [m["name"] for p in pages for m in p["stateMachines"]]
    assert sorted(names) == [f"M{i}" for i in range(7)]


def test_errors_are_typed(server):
    sfn = server.client()
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn=sm_arn("Missing"))
    assert error_code(e) == "StateMachineDoesNotExist"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=sm_arn("Missing"))
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name="Bad", definition='{"StartAt":"A","States":{"A":{"Type":"Pass"}}}', roleArn=ROLE)
    assert error_code(e) == "InvalidDefinition"
    assert "Invalid State Machine Definition" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sfn.list_state_machines(maxResults=5000)
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:execution:M:none")
    assert error_code(e) == "ExecutionDoesNotExist"


def test_express_sync_execution(server):
    sfn = server.client()
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}})
    sfn.create_state_machine(name="Fast", definition=definition, roleArn=ROLE, type="EXPRESS")
    r = sfn.start_sync_execution(stateMachineArn=sm_arn("Fast"), input="{}")
    assert r["status"] == "SUCCEEDED"
    assert json.loads(r["output"]) == {"ok": True}
    assert ":express:Fast:" in r["executionArn"]
    assert r["billingDetails"]["billedDurationInMilliseconds"] >= 100


def test_mocked_lambda_with_retry_through_boto3(server):
    sfn = server.client()
    with open(server.mock_config.parent / "OrderWithRetry.json") as f:
        sfn.create_state_machine(name="OrderWithRetry", definition=f.read(), roleArn=ROLE)
    start = sfn.start_execution(stateMachineArn=sm_arn("OrderWithRetry") + "#TransientFailure", input='{"order_id": "O-1"}')
    done = wait_done(sfn, start["executionArn"], timeout=30)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"payment_id": "PAY-8", "status": "CHARGED"}
    types = [e["type"] for e in sfn.get_execution_history(executionArn=start["executionArn"])["events"]]
    assert types.count("LambdaFunctionFailed") == 1
    assert types.count("LambdaFunctionSucceeded") == 1


def test_two_hundred_executions_survive_random_kills(server):
    """200 executions in flight; the server is SIGKILLed at random moments (3 times, seeded),
    restarted on the same data; every execution ends SUCCEEDED with its own output and a
    history whose ids run without gaps or duplicates."""
    rng = random.Random(20261122)
    definition = json.dumps(
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Parameters": {"n.$": "$.n", "wait.$": "States.MathAdd($.n, 1)"}, "Next": "W"},
                "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "B"},
                "B": {"Type": "Pass", "End": True},
            },
        }
    )
    sfn = server.client()
    sfn.create_state_machine(name="Many", definition=definition, roleArn=ROLE)
    kill_points = sorted(rng.sample(range(1, 200), 3))
    acknowledged = {}
    for i in range(200):
        if kill_points and i == kill_points[0]:
            kill_points.pop(0)
            time.sleep(rng.random() * 0.5)
            server.restart_after_kill()
            sfn = server.client()
        name = f"e{i}"
        n = i % 3
        r = sfn.start_execution(stateMachineArn=sm_arn("Many"), name=name, input=json.dumps({"n": n}))
        acknowledged[r["executionArn"]] = n
    # One more kill with executions waiting, then let everything finish.
    time.sleep(0.5)
    server.restart_after_kill()
    sfn = server.client()
    deadline = time.time() + 60
    while True:
        running = sfn.list_executions(stateMachineArn=sm_arn("Many"), statusFilter="RUNNING")["executions"]
        if not running:
            break
        assert time.time() < deadline, f"{len(running)} executions still running"
        time.sleep(0.3)
    assert len(acknowledged) == 200
    for arn, n in acknowledged.items():
        d = sfn.describe_execution(executionArn=arn)
        assert d["status"] == "SUCCEEDED", (arn, d)
        assert json.loads(d["output"]) == {"n": n, "wait": n + 1}
        events = sfn.get_execution_history(executionArn=arn)["events"]
        assert [e["id"] for e in events] == list(range(1, len(events) + 1)), arn
        assert len(events) == 8, (arn, [e["type"] for e in events])


def test_redrive_continues_a_failed_execution(server):
    sfn = server.client()
    with open(server.mock_config.parent / "OrderSingleTask.json") as f:
        sfn.create_state_machine(name="OrderSingleTask", definition=f.read(), roleArn=ROLE)
    start = sfn.start_execution(stateMachineArn=sm_arn("OrderSingleTask") + "#FailsOnce", name="r1", input='{"order_id": "ORD-1"}')
    arn = start["executionArn"]
    failed = wait_done(sfn, arn)
    assert failed["status"] == "FAILED" and failed["error"] == "OrderSystemDown", failed
    with pytest.raises(ClientError) as e:
        sfn.redrive_execution(executionArn=arn.replace(":r1", ":nope"))
    assert error_code(e) == "ExecutionDoesNotExist"
    # The server is killed between the failure and the redrive: nothing is lost.
    server.restart_after_kill()
    sfn = server.client()
    sfn.redrive_execution(executionArn=arn)
    done = wait_done(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert done["redriveCount"] == 1
    assert json.loads(done["output"]) == {"order_id": "ORD-1", "status": "PROCESSED"}
    events = sfn.get_execution_history(executionArn=arn)["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    at = types.index("ExecutionRedriven")
    assert types[at - 1] == "ExecutionFailed" and types[at + 1] == "TaskStateEntered"
    assert events[at]["executionRedrivenEventDetails"]["redriveCount"] == 1
    assert types[-1] == "ExecutionSucceeded"
    with pytest.raises(ClientError) as e:
        sfn.redrive_execution(executionArn=arn)
    assert error_code(e) == "ExecutionNotRedrivable"
