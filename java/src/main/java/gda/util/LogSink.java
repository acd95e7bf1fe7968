package gda.util;

/** Receives the core's log records (the Python side implements it to feed Python's logging). */
public interface LogSink {
    void log(String logger, int level, String message, String thrown);
}
