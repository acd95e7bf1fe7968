"""Names shared by the IOC process and the code that starts it (no pcaspy import)."""

LOOPBACK = "127.0.0.1"

#: First words of the line the IOC prints on stdout once it accepts clients.
READY_MARKER = "sim-ioc ready:"
