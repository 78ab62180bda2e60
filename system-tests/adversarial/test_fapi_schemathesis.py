"""The API document is held to the server: Schemathesis (PyPI, pinned in
scripts/install-deps.sh) generates requests from docs/api/openapi.yaml, schema-valid
and schema-violating, and sends them to the real custodyd through a loopback TCP
bridge to its real Unix socket. It fails on any answer that breaks the document:

- a 5xx answer (not_a_server_error);
- a status, content type or body the document does not give for that operation
  (status_code_conformance, content_type_conformance, response_schema_conformance);
- a schema-valid request refused with anything but 401/403/404/409/429
  (positive_data_acceptance), or a schema-violating one accepted (negative_data_rejection).

The bridge runs as root, whom the daemon maps to the admin role: admin may call every
documented operation, so a refusal can only come from the document and the server
disagreeing about the request itself, never from the caller's roles (the role table is
held to the document by system-tests/integration/test_openapi.py). The seed is fixed and the
example database off, so every run sends the same requests.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "docs" / "api" / "openapi.yaml"
ST = REPO / ".build-venv" / "bin" / "st"
HERE = Path(__file__).resolve().parent
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "negative_data_rejection", "positive_data_acceptance",
])


def start_bridge(socket_path, root):
    port_file = root / "bridge.port"
    proc = subprocess.Popen([sys.executable, str(HERE / "loopback_bridge.py"), str(socket_path), str(port_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while not port_file.exists():
        assert proc.poll() is None, "the loopback bridge exited"
        assert time.monotonic() < deadline, "the loopback bridge did not start"
        time.sleep(0.05)
    return proc, int(port_file.read_text())


def test_the_server_answers_as_its_api_document_says(daemon_factory, tmp_path):
    assert ST.exists(), f"{ST} missing: scripts/install-deps.sh installs Schemathesis into .build-venv"
    d = daemon_factory()
    # Something to find: two files ingested, a registry, a checkpoint.
    for name, size in (("a.bin", 1000), ("b.bin", 3000)):
        (d.inbox / name).write_bytes(os.urandom(size))
    job = d.request("POST", "/v1/jobs", {"path": str(d.inbox)}).json()
    assert d.wait_job(job["id"])["state"] == "completed"
    assert d.request("POST", "/v1/imports", {"kind": "courtrooms", "content": "id,name\n3,Courtroom 3\n"}).status == 200
    assert d.request("POST", "/v1/checkpoints").status == 201

    bridge, port = start_bridge(d.socket, tmp_path)
    try:
        cmd = [str(ST), "--config-file", str(HERE / "schemathesis.toml"), "run", str(SPEC),
               "--url", f"http://127.0.0.1:{port}", "--checks", CHECKS,
               "--seed", "20260301", "--max-examples", "20", "--workers", "1", "--generation-database", "none",
               "--no-color", "--report", "junit", "--report-dir", str(tmp_path / "report")]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    finally:
        bridge.send_signal(signal.SIGTERM)
        bridge.wait(timeout=30)
    summary = run.stdout[run.stdout.find("=== SUMMARY"):] if "=== SUMMARY" in run.stdout else run.stdout[-4000:]
    print(summary)
    assert "generated" in run.stdout, f"Schemathesis did not run:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    assert run.returncode == 0, f"the server and its API document disagree:\n{run.stdout[-20000:]}\n{run.stderr[-2000:]}"
    assert d.proc.poll() is None, "custodyd died under the generated requests"
