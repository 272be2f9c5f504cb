"""boto3's Lambda client against `stepwise serve`: the SDK's own REST-JSON serialisation,
waiters, paginators and typed errors; functions, versions and aliases kept across a kill.

Invoke is left to the runner's tests (this build has no function runner)."""

import base64
import hashlib
import io
import zipfile

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:"

HANDLER = b"import json\ndef lambda_handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n"


def make_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def create(lam, name, code=None, **extra):
    code = code if code is not None else make_zip({"lambda_function.py": HANDLER})
    return lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Handler="lambda_function.lambda_handler",
        Role=ROLE,
        Code={"ZipFile": code},
        **extra,
    )


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_create_wait_get_list_update_delete(server):
    lam = server.lambda_client()
    code = make_zip({"lambda_function.py": HANDLER})
    c = create(lam, "ProcessOrderLambda", code, Environment={"Variables": {"STAGE": "dev"}}, Tags={"t": "1"})
    assert c["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert c["State"] == "Active" and c["LastUpdateStatus"] == "Successful"
    assert c["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    assert c["CodeSize"] == len(code)
    assert c["Environment"] == {"Variables": {"STAGE": "dev"}}
    # botocore parses LastModified as a string in AWS's format.
    assert c["LastModified"].endswith("+0000")
    lam.get_waiter("function_active_v2").wait(FunctionName="ProcessOrderLambda", WaiterConfig={"Delay": 1, "MaxAttempts": 1})
    lam.get_waiter("function_exists").wait(FunctionName="ProcessOrderLambda", WaiterConfig={"Delay": 1, "MaxAttempts": 1})
    g = lam.get_function(FunctionName=PREFIX + "ProcessOrderLambda")
    assert g["Configuration"]["FunctionName"] == "ProcessOrderLambda"
    assert g["Tags"] == {"t": "1"}

    for i in range(5):
        create(lam, f"fn-{i}")
    pages = list(lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3
    names = [f["FunctionName"] for p in pages for f in p["Functions"]]
    assert names == ["ProcessOrderLambda"] + [f"fn-{i}" for i in range(5)]

    u = lam.update_function_configuration(FunctionName="ProcessOrderLambda", Timeout=60, MemorySize=512, Handler="app.main")
    assert (u["Timeout"], u["MemorySize"], u["Handler"]) == (60, 512, "app.main")
    u2 = lam.update_function_code(FunctionName="ProcessOrderLambda", ZipFile=make_zip({"app.py": b"def main(e, c): return 1\n"}))
    assert u2["CodeSha256"] != c["CodeSha256"]
    lam.get_waiter("function_updated_v2").wait(FunctionName="ProcessOrderLambda", WaiterConfig={"Delay": 1, "MaxAttempts": 1})

    lam.delete_function(FunctionName="ProcessOrderLambda")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as e:
        lam.get_function_configuration(FunctionName="ProcessOrderLambda")
    assert code_of(e) == ("ResourceNotFoundException", "Function not found: " + PREFIX + "ProcessOrderLambda")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_errors_are_typed(server):
    lam = server.lambda_client()
    create(lam, "f")
    with pytest.raises(lam.exceptions.ResourceConflictException) as e:
        create(lam, "f")
    assert code_of(e) == ("ResourceConflictException", "Function already exist: f")
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as e:
        create(lam, "g", code=b"PK\x03\x04 not really")
    assert code_of(e)[1] == "Could not unzip uploaded file. Please check your file, then try to upload again."
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        create(lam, "g", code=make_zip({"../escape.py": b"x"}))
    with pytest.raises(ClientError) as e:
        # The model allows 5400; Lambda's quota is 900.
        create(lam, "g", Timeout=901)
    assert code_of(e) == (
        "ValidationException",
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
        "Member must have value less than or equal to 900",
    )
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as e:
        create(lam, "g", Environment={"Variables": {"AWS_REGION": "x"}})
    assert "reserved keys" in code_of(e)[1]
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_alias(FunctionName="f", Name="nope")
    with pytest.raises(lam.exceptions.PreconditionFailedException):
        lam.update_function_code(FunctionName="f", ZipFile=make_zip({"a.py": b""}), RevisionId="stale")
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["f"]


def test_versions_and_aliases_survive_a_kill(server):
    lam = server.lambda_client()
    create(lam, "f", Publish=True)
    lam.update_function_code(FunctionName="f", ZipFile=make_zip({"lambda_function.py": HANDLER + b"# v2\n"}))
    v2 = lam.publish_version(FunctionName="f")
    assert v2["Version"] == "2" and v2["FunctionArn"] == PREFIX + "f:2"
    alias = lam.create_alias(FunctionName="f", Name="live", FunctionVersion="2", Description="prod")
    assert alias["AliasArn"] == PREFIX + "f:live"
    lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)
    lam.tag_resource(Resource=PREFIX + "f", Tags={"owner": "orders"})

    server.restart_after_kill()
    lam = server.lambda_client()
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="f")["Versions"]]
    assert versions == ["$LATEST", "1", "2"]
    assert lam.get_alias(FunctionName="f", Name="live")["FunctionVersion"] == "2"
    assert lam.get_function_configuration(FunctionName="f", Qualifier="live")["Version"] == "2"
    assert lam.get_function_concurrency(FunctionName="f")["ReservedConcurrentExecutions"] == 2
    assert lam.list_tags(Resource=PREFIX + "f")["Tags"] == {"owner": "orders"}
    aliases = lam.list_aliases(FunctionName="f")["Aliases"]
    assert [a["Name"] for a in aliases] == ["live"]
    with pytest.raises(lam.exceptions.ResourceConflictException):
        lam.delete_function(FunctionName="f", Qualifier="2")
    lam.delete_alias(FunctionName="f", Name="live")
    lam.delete_function(FunctionName="f", Qualifier="2")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="f")["Versions"]] == ["$LATEST", "1"]
