package gda.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogForwarderTest {
    private final List<String> received = new ArrayList<>();

    @Test
    void aLoggerMadeAfterAGarbageCollectionStillForwards() throws Exception {
        LogForwarder.install((logger, level, message, thrown) -> received.add(logger + ": " + message), Level.INFO);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        Logger.getLogger("gda.late.Loaded").severe("scan failed");
        assertEquals(List.of("gda.late.Loaded: scan failed"), received);
    }

    @Test
    void otherLoggersWarningsAreForwardedNotPrinted() {
        LogForwarder.install((logger, level, message, thrown) -> received.add(logger + ": " + message), Level.INFO);
        Logger other = Logger.getLogger("org.example.Other");
        other.info("chatter");
        other.warning("careful");
        assertEquals(List.of("org.example.Other: careful"), received);
    }
}
