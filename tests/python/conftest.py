"""Starts `stepwise serve` (the binary built by cargo) for the boto3 tests."""

import os
import pathlib
import shutil
import subprocess
import tempfile

import boto3
import pytest
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("STEPWISE_BIN", ROOT / "target" / "release" / "stepwise"))


class Server:
    """A `stepwise serve` process on a free port, restartable on the same data directory."""

    def __init__(self, data_dir, mock_config=None):
        self.data_dir = data_dir
        self.mock_config = mock_config
        self.proc = None
        self.endpoint = None
        self.start()

    def start(self):
        args = [str(BINARY), "serve", "--address", "127.0.0.1:0", "--data-dir", str(self.data_dir)]
        if self.mock_config:
            args += ["--mock-config", str(self.mock_config)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        self.endpoint = next(w for w in first.split() if w.startswith("http://"))

    def kill(self):
        """SIGKILL: nothing is flushed or cleaned up."""
        self.proc.kill()
        self.proc.wait()

    def restart_after_kill(self):
        self.kill()
        self.start()

    def client(self):
        return boto3.client(
            "stepfunctions",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            # StartSyncExecution asks for a `sync-` host prefix, which cannot resolve for a
            # local IP endpoint.
            config=Config(inject_host_prefix=False, retries={"max_attempts": 0}),
        )

    def lambda_client(self):
        return boto3.client(
            "lambda",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}),
        )

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it with `cargo build --release` first")
    data_dir = pathlib.Path(tempfile.mkdtemp(prefix="stepwise-boto3-"))
    s = Server(data_dir, ROOT / "examples" / "orders" / "mocks.json")
    yield s
    s.stop()
    shutil.rmtree(data_dir, ignore_errors=True)
