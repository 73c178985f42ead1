"""Prints the number of rows of the Delta table at argv[1] (an s3:// URI), or -1 while there is no table yet.

Storage options come from the environment (the s3-server.sh variables), as they do for the services.
"""

import os
import sys

from deltalake import DeltaTable


def main() -> None:
    try:
        rows = DeltaTable(sys.argv[1]).to_pyarrow_table().num_rows
    except Exception:  # no commit yet: the ingestor has not written its first batch
        rows = -1
    print(rows)
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (see s3-delta-check.py)


if __name__ == "__main__":
    main()
