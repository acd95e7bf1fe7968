# GDA's script tests import the mock library it bundled
import mock
from mock import patch
detector = mock.Mock()
detector.readout.return_value = 42
print "readout", detector.readout(), detector.readout.call_count
with patch("time.sleep") as sleep:
    import time
    time.sleep(100)
    print "sleep patched:", sleep.called
