import subprocess
import sys
from pathlib import Path

import pytest

from gda_bridge.core.scan_numbers import ScanNumberError, ScanNumberSource

ROOT = Path(__file__).resolve().parents[2]


def test_numbers_start_at_one_and_persist(tmp_path):
    path = tmp_path / "var" / ".scan_number"
    assert ScanNumberSource(path).current() == 0
    assert [ScanNumberSource(path).next() for _ in range(3)] == [1, 2, 3]
    # a new source on the same file (a restart) carries on
    again = ScanNumberSource(path)
    assert again.current() == 3
    assert again.next() == 4
    assert path.read_text() == "4\n"


def test_concurrent_processes_never_share_a_number(tmp_path):
    path = tmp_path / ".scan_number"
    code = (
        "import sys; from gda_bridge.core.scan_numbers import ScanNumberSource as S; "
        "s = S(sys.argv[1]); print(' '.join(str(s.next()) for _ in range(25)))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
        for _ in range(4)
    ]
    numbers = []
    for p in procs:
        out, _ = p.communicate(timeout=30)
        assert p.returncode == 0
        numbers += [int(n) for n in out.split()]
    assert sorted(numbers) == list(range(1, 101))


def test_a_damaged_file_is_reported_not_restarted(tmp_path):
    path = tmp_path / ".scan_number"
    path.write_text("twelve\n")
    with pytest.raises(ScanNumberError, match=r"\.scan_number holds 'twelve'"):
        ScanNumberSource(path).next()
