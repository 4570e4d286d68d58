import json
import os
import subprocess
import sys

from essplan.db import prune_dead_handles


def test_dead_pids_are_pruned_from_pgserver_handles(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead_pid, os.getpid()]))

    assert prune_dead_handles(tmp_path) == [dead_pid]
    assert json.loads(handles.read_text()) == [os.getpid()]


def test_pruning_without_handles_file_does_nothing(tmp_path):
    assert prune_dead_handles(tmp_path) == []
    assert not (tmp_path / ".handle_pids.json").exists()
