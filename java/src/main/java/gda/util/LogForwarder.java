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
    /**
     * The configured "gda" logger, held here: java.util.logging keeps loggers only weakly, so
     * without this a garbage collection forgets the configuration and a logger made afterwards
     * (a class loaded later) prints to stderr through the root's ConsoleHandler.
     */
    private static Logger configured;
    private final LogSink sink;
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogForwarder(LogSink sink) {
        this.sink = sink;
    }

    /**
     * Route the "gda" loggers to {@code sink} at {@code level} and above, and every other logger's
     * warnings too: nothing of the JVM's logging reaches stderr by itself.
     */
    public static synchronized void install(LogSink sink, Level level) {
        Logger gda = Logger.getLogger("gda");
        for (Handler h : gda.getHandlers()) {
            gda.removeHandler(h);
        }
        gda.setUseParentHandlers(false);
        gda.setLevel(level);
        gda.addHandler(new LogForwarder(sink));
        configured = gda;
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        LogForwarder others = new LogForwarder(sink);
        others.setLevel(Level.WARNING);
        root.addHandler(others);
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
