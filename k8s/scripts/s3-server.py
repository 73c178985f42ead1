"""An S3-compatible HTTP server for tests: moto's S3 backend served by werkzeug, one request at a time.

Single-threaded on purpose: moto checks `If-None-Match: *` and then stores the object in two steps. Serving one request
at a time makes that conditional put atomic by construction (with threads a lost update is merely unlikely), and
atomic put-if-absent is what delta-rs relies on when two writers race for the same commit file. Objects live in
memory and vanish when the process exits.

    python s3-server.py HOST PORT
"""

import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    # Requests name their service in the signature's credential scope; unsigned ones fall back to S3.
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=False, processes=1, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
