"""Stepwise's Python runtime: runs a `module.function` handler over the Lambda Runtime API.

Written for Stepwise (not derived from AWS's awslambdaric); it behaves the way AWS's Python
runtime does where a handler can tell: the `context` object, the error documents and their
`Runtime.*` types and messages, bytes returned as they are, and the stack trace starting at
the first frame outside this file (so this file is named bootstrap.py, as AWS's is).
Started as `python3 -u bootstrap.py`, so stdout and stderr are unbuffered.
"""

import decimal
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

RUNTIME_PATH = "/2018-06-01/runtime"


class FaultException(Exception):
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


class RuntimeClient:
    """One keep-alive HTTP/1.1 connection to the Runtime API; reconnects once when it drops.

    A few lines over a socket instead of http.client, whose imports (the email package)
    cost more at a cold start than everything else here. The Runtime API always answers
    with a Content-Length.
    """

    def __init__(self, endpoint):
        host, port = endpoint.rsplit(":", 1)
        self.addr = (host, int(port))
        self.host = endpoint
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buf = b""

    def request(self, method, path, body=None, headers=None):
        body = body or b""
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: " + self.host, "Content-Length: %d" % len(body)]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        for attempt in (0, 1):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(self.addr)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(head + body if len(body) < 65536 else head)
                if len(body) >= 65536:
                    self.sock.sendall(body)
                return self.response()
            except OSError:
                self.close()
                if attempt == 1:
                    raise

    def recv_more(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the Runtime API closed the connection")
        self.buf += chunk

    def response(self):
        while b"\r\n\r\n" not in self.buf:
            self.recv_more()
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        self.buf = rest
        lines = head.decode("utf-8", "replace").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = Headers()
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self.recv_more()
        data, self.buf = self.buf[:length], self.buf[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data

    def next(self):
        return self.request("GET", RUNTIME_PATH + "/invocation/next")

    def post_result(self, request_id, body, content_type):
        self.request(
            "POST",
            RUNTIME_PATH + "/invocation/" + request_id + "/response",
            body,
            {"Content-Type": content_type},
        )

    def post_error(self, request_id, error):
        self.request(
            "POST",
            RUNTIME_PATH + "/invocation/" + request_id + "/error",
            to_json(error).encode("utf-8"),
            {
                "Content-Type": "application/json",
                "Lambda-Runtime-Function-Error-Type": error["errorType"],
            },
        )

    def post_init_error(self, error):
        self.request(
            "POST",
            RUNTIME_PATH + "/init/error",
            to_json(error).encode("utf-8"),
            {
                "Content-Type": "application/json",
                "Lambda-Runtime-Function-Error-Type": error["errorType"],
            },
        )


def _ensure_ascii():
    # AWS's runtime writes non-ASCII characters as they are from python3.12 on.
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    try:
        minor = int(env.rsplit("python3.", 1)[1])
    except (IndexError, ValueError):
        return True
    return minor < 12


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o == o.to_integral_value():
                return int(o)
            return float(o)
        return super().default(o)


ENCODER = Encoder(ensure_ascii=_ensure_ascii(), allow_nan=True)


def to_json(obj):
    return ENCODER.encode(obj)


def make_error(message, error_type, stack_trace, request_id):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            return frames[i:]
    return frames


def log_error(error):
    lines = ["[ERROR] " + error["errorType"] + ": " + error["errorMessage"]]
    if error["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in error["stackTrace"])
    sys.stdout.write("\r".join(lines) + "\n")


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME,
            "Bad handler '{}': {}".format(handler, str(e)),
        )
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}".format(modname, str(e)),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
        )


class Obj:
    """Attributes from a dict (client context, identity), None for what is missing."""

    def __init__(self, fields, values):
        for name in fields:
            setattr(self, name, (values or {}).get(name))

    def __repr__(self):
        return repr(self.__dict__)


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_arn, client_context, identity):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_arn
        self.client_context = None
        if client_context is not None:
            self.client_context = Obj(["client", "custom", "env"], client_context)
            self.client_context.client = Obj(
                ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"],
                client_context.get("client"),
            )
        self.identity = Obj(["cognito_identity_id", "cognito_identity_pool_id"], {})
        if identity is not None:
            self.identity.cognito_identity_id = identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        left = self._deadline_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


def parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
        )


CURRENT_REQUEST = {"id": None}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = CURRENT_REQUEST["id"] or ""
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.formatter.converter = time.gmtime
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def handle(client, request_handler, headers, body):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    CURRENT_REQUEST["id"] = request_id
    error = None
    try:
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            request_id,
            int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            parse_json_header(client_context, "Client Context") if client_context else None,
            parse_json_header(identity, "Cognito Identity") if identity else None,
        )
        if headers.get("Content-Type", "application/json") == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise FaultException(
                    FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e))
                )
        else:
            event = body
        trace = headers.get("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        response = request_handler(event, context)
        if isinstance(response, bytes):
            result, content_type = response, "application/unknown"
        else:
            try:
                result, content_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(
                    FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e))
                )
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, request_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        error = make_error(
            str(value), etype.__name__, traceback.format_list(user_frames(tb)), request_id
        )
    if error is not None:
        log_error(error)
        client.post_error(request_id, error)
    else:
        client.post_result(request_id, result, content_type)
    CURRENT_REQUEST["id"] = None


def main():
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # The function's own directory comes first, in place of this file's directory.
    sys.path[0] = task_root
    setup_logging()
    try:
        request_handler = get_handler(os.environ["_HANDLER"])
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, None)
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    except Exception:
        etype, value, tb = sys.exc_info()
        error = make_error(str(value), etype.__name__, traceback.format_list(user_frames(tb)), None)
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    while True:
        status, headers, body = client.next()
        if status != 200:
            # The Runtime API refused: nothing sensible is left to do (AWS's client exits too).
            sys.stderr.write("Runtime API next failed: %d %s\n" % (status, body.decode("utf-8", "replace")))
            sys.exit(1)
        handle(client, request_handler, headers, body)


class Headers(dict):
    """Response headers by lower-case name, looked up without regard to case."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


if __name__ == "__main__":
    main()
