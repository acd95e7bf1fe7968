"""A generated legacy GDA script (Python 2 + GDA command syntax) for the translation benchmark."""

from __future__ import annotations

_BLOCK = '''\
# block {i}: align and scan
import string
from gdascripts.pd.dummy_pds import DummyPD

class Pd{i}(ScannableMotionBase):
    def __init__(self, name):
        self.name = name
        self.inputNames = [name]
        self.extraNames = []
        self.outputFormat = ['%6.4f']
        self._pos = 0

    def rawGetPosition(self):
        return self._pos / 2

    def rawAsynchronousMoveTo(self, p):
        self._pos = p

    def isBusy(self):
        return 0

def scan_block_{i}(n):
    """Scan {i} with integer steps."""
    total = 0L
    for k in xrange(n):
        total += k / 3
        print "step", k, total,
    print
    try:
        pos x{i} 1
        scan x{i} 0 10 1 det 0.1
    except ValueError, e:
        print "failed:", e
    if d.has_key("a") and d <> None:
        print `d`, 0777
    keys = d.keys()
    half = total / 2
    half /= 2
    return string.join(["a", "b"], "-")
'''


def legacy_script(lines: int = 500) -> str:
    """Exactly ``lines`` lines of legacy script: numbered copies of one block, then short lines."""
    out: list[str] = []
    i = 0
    while True:
        block = _BLOCK.format(i=i).splitlines()
        if len(out) + len(block) > lines:
            break
        out.extend(block)
        i += 1
    while len(out) < lines:
        out.append(f"print 'line', {len(out)} / 7, `{len(out)}`")
    return "\n".join(out) + "\n"
