package gda.util;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends java.util.logging records of the "gda" loggers to a {@link LogSink} instead of stderr, so
 * that an embedding program (Python) sees them in its own logging, with its own levels.
 */
public final class LogForwarder extends Handler {
    private final LogSink sink;
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogForwarder(LogSink sink) {
        this.sink = sink;
    }

    /** Route the "gda" loggers (and only them) to {@code sink} at {@code level} and above. */
    public static void install(LogSink sink, Level level) {
        Logger gda = Logger.getLogger("gda");
        for (Handler h : gda.getHandlers()) {
            gda.removeHandler(h);
        }
        gda.setUseParentHandlers(false);
        gda.setLevel(level);
        gda.addHandler(new LogForwarder(sink));
        LogManager.getLogManager();
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        String thrown = null;
        if (record.getThrown() != null) {
            StringWriter text = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(text));
            thrown = text.toString();
        }
        sink.log(record.getLoggerName(), record.getLevel().intValue(), formatter.formatMessage(record), thrown);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
