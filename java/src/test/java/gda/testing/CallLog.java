package gda.testing;

import java.util.ArrayList;
import java.util.List;

/** A thread-safe record of calls, shared by the recording devices of one test. */
public final class CallLog {
    private final List<String> calls = new ArrayList<>();

    public synchronized void add(String call) {
        calls.add(call);
    }

    public synchronized List<String> all() {
        return new ArrayList<>(calls);
    }

    /** The calls that start with one of the prefixes, in order. */
    public synchronized List<String> only(String... prefixes) {
        List<String> out = new ArrayList<>();
        for (String c : calls) {
            for (String p : prefixes) {
                if (c.startsWith(p)) {
                    out.add(c);
                    break;
                }
            }
        }
        return out;
    }

    public synchronized int indexOf(String call) {
        return calls.indexOf(call);
    }

    public synchronized long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    public synchronized void clear() {
        calls.clear();
    }
}
