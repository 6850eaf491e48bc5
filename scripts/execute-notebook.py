"""Executes one notebook with nbclient, once, and reports how it went.

    python3 scripts/execute-notebook.py IN.ipynb OUT.ipynb KERNEL TIMEOUT_SECONDS

Writes the executed copy to OUT.ipynb, also when a cell fails (then it holds
the outputs up to and including the failing cell, error text included, so it
can be read and shown on the site). Prints one JSON object on stdout:

    {"status": "ok"}
    {"status": "cell-error" | "timeout" | "kernel-died" | "error",
     "cell": N (0-based index in notebook.cells, or null), "message": "..."}

and exits 0 whenever that object was printed: the caller
(scripts/run-notebooks.mjs) decides what a failure means.

A kernel that does not answer its first request (jupyter_client picks free
ports and another process can take one before the kernel binds it) is
started once more; no cell has run then, so nothing is hidden, and the
object carries "restarted": the first attempt's message.
"""

import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def failing_cell(notebook, client):
    """Index of the code cell that was running when execution stopped, or None."""
    # nbclient numbers executions; the highest execution_count is the last cell sent.
    last, last_index = -1, None
    for index, cell in enumerate(notebook.cells):
        count = cell.get("execution_count")
        if cell.cell_type == "code" and isinstance(count, int) and count > last:
            last, last_index = count, index
    return last_index


def never_started(error, notebook):
    """True when the kernel failed before any cell was sent to it."""
    started = any(cell.cell_type == "code" and cell.get("execution_count") for cell in notebook.cells)
    return not started and isinstance(error, RuntimeError) and "Kernel di" in str(error)


def execute_once(source, kernel, timeout):
    """Reads and executes the notebook; returns (notebook, client, error or None)."""
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel,
        timeout=int(timeout),
        startup_timeout=120,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
    try:
        client.execute()
    except Exception as error:  # classified by the caller
        return notebook, client, error
    return notebook, client, None


def main():
    source, target, kernel, timeout = sys.argv[1:5]
    notebook, client, error = execute_once(source, kernel, timeout)
    restarted = None
    if error is not None and never_started(error, notebook):
        restarted = f"{type(error).__name__}: {error}"
        notebook, client, error = execute_once(source, kernel, timeout)
    result = {"status": "ok"}
    try:
        if error is not None:
            raise error
    except CellTimeoutError as error:
        result = {"status": "timeout", "cell": failing_cell(notebook, client), "message": str(error)}
    except DeadKernelError as error:
        result = {"status": "kernel-died", "cell": failing_cell(notebook, client), "message": str(error)}
    except CellExecutionError as error:
        result = {"status": "cell-error", "cell": failing_cell(notebook, client), "message": str(error)}
    except Exception as error:  # the kernel did not start, the file is not a notebook, ...
        result = {"status": "error", "cell": None, "message": f"{type(error).__name__}: {error}"}
    if restarted is not None:
        result["restarted"] = restarted
    nbformat.write(notebook, target)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
