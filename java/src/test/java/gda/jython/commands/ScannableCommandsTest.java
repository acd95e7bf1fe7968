package gda.jython.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.DeviceException;
import gda.device.scannable.DummyScannable;
import gda.device.sim.SimMonitor;
import gda.device.sim.SimMotor;
import gda.device.sim.SimMultiField;
import gda.device.sim.SimZeroField;
import gda.factory.Finder;
import gda.testing.CallLog;
import gda.testing.RecordingScannable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScannableCommandsTest {
    final CallLog log = new CallLog();

    @AfterEach
    void clearFinder() {
        Finder.clear();
    }

    @Test
    void posMovesAndReportsTheNewPosition() throws Exception {
        DummyScannable x = new DummyScannable("x");
        x.setLowerGdaLimits(-10.0);
        x.setUpperGdaLimits(10.0);
        assertEquals("Move completed: x : 5.0000 (-10.000:10.000)", ScannableCommands.pos(x, 5));
        assertEquals(5.0, x.getPosition());
        DummyScannable y = new DummyScannable("y");
        assertEquals("Move completed: x : 1.0000 (-10.000:10.000)\ny : 2.0000", ScannableCommands.pos(x, 1, y, 2.0));
    }

    @Test
    void posFormsWithoutAMove() {
        DummyScannable x = new DummyScannable("x", 1.5);
        assertEquals("x : 1.5000", ScannableCommands.pos(x));
        Finder.register("zz", new SimZeroField("zz"));
        Finder.register("x", x);
        Finder.register("Ring", new SimMonitor("Ring", 300, "mA"));
        Finder.register("text", "not a scannable");
        assertEquals("Ring : 300.00\nx : 1.5000\nzz : ---", ScannableCommands.pos());
    }

    @Test
    void posAcceptsGdasListForm() throws Exception {
        DummyScannable x = new DummyScannable("x");
        assertEquals("Move completed: x : 3.0000", ScannableCommands.pos((Object) new Object[] {x, 3}));
        assertEquals("Move completed: x : 4.0000", ScannableCommands.pos((Object) List.of(x, 4)));
        SimMultiField mf = new SimMultiField("mf");
        assertEquals("Move completed: mf : a: 1.0000 b: 2.0000 sum: 3.0000", ScannableCommands.pos(mf, List.of(1, 2)));
    }

    @Test
    void everyTargetIsValidatedBeforeAnythingMoves() {
        RecordingScannable first = new RecordingScannable("first", 1, log);
        DummyScannable x = new DummyScannable("x", 1.0);
        x.setUpperGdaLimits(10.0);
        DeviceException e = assertThrows(DeviceException.class, () -> ScannableCommands.pos(first, 1, x, 12));
        assertEquals("x: position 12 is outside the limits (:10.0)", e.getMessage());
        assertEquals(List.of(), log.all(), "first was not moved");
    }

    @Test
    void movesAreGroupedByLevel() throws Exception {
        RecordingScannable late = new RecordingScannable("late", 9, log);
        RecordingScannable a = new RecordingScannable("a", 2, log);
        RecordingScannable b = new RecordingScannable("b", 2, log);
        ScannableCommands.pos(late, 3, a, 1, b, 2);
        assertEquals(List.of("a.atLevelStart", "b.atLevelStart", "a.atLevelMoveStart", "b.atLevelMoveStart",
                "a.move(1)", "b.move(2)", "a.waitWhileBusy", "b.waitWhileBusy", "a.atLevelEnd", "b.atLevelEnd",
                "late.atLevelStart", "late.atLevelMoveStart", "late.move(3)", "late.waitWhileBusy", "late.atLevelEnd"),
                log.only("a.at", "b.at", "late.at", "a.move", "b.move", "late.move", "a.wait", "b.wait", "late.wait"));
    }

    @Test
    void aFailedMoveStopsTheMovingOnesAndCallsAtCommandFailureOnAll() {
        RecordingScannable early = new RecordingScannable("early", 1, log);
        RecordingScannable a = new RecordingScannable("a", 5, log);
        RecordingScannable bad = new RecordingScannable("bad", 5, log);
        RecordingScannable late = new RecordingScannable("late", 9, log);
        bad.failMoveWhen(p -> true);
        DeviceException e = assertThrows(DeviceException.class,
                () -> ScannableCommands.pos(early, 1, a, 2, bad, 3, late, 4));
        assertEquals("bad: simulated failure moving to 3", e.getMessage());
        List<String> after = log.all().subList(log.indexOf("bad.move(3)") + 1, log.all().size());
        assertEquals(List.of("a.stop", "bad.stop", "early.atCommandFailure", "a.atCommandFailure",
                "bad.atCommandFailure", "late.atCommandFailure"), after);
        assertEquals(0, log.count("late.move(4)"));
    }

    @Test
    void incIsRelative() throws Exception {
        DummyScannable x = new DummyScannable("x", 1.0);
        assertEquals("Relative move complete: x : 1.5000", ScannableCommands.inc(x, 0.5));
        SimMultiField mf = new SimMultiField("mf");
        ScannableCommands.inc(mf, new double[] {1, 2});
        assertEquals("Relative move complete: mf : a: 2.0000 b: 4.0000 sum: 6.0000",
                ScannableCommands.inc(mf, new double[] {1, 2}));
        DeviceException e = assertThrows(DeviceException.class, () -> ScannableCommands.inc(x, new double[] {1, 2}));
        assertEquals("inc x: amount [1.0, 2.0] has 2 value(s) but x has 1 input name(s)", e.getMessage());
    }

    @Test
    void badArgumentsAreOneClearLine() {
        DummyScannable x = new DummyScannable("x");
        assertEquals("pos: no position given for x",
                assertThrows(IllegalArgumentException.class, () -> ScannableCommands.pos(x, 1, x)).getMessage());
        assertEquals("pos: argument 1 (3) should be a Scannable",
                assertThrows(IllegalArgumentException.class, () -> ScannableCommands.pos(3, x)).getMessage());
        assertEquals("pos: x is given twice",
                assertThrows(IllegalArgumentException.class, () -> ScannableCommands.pos(x, 1, x, 2)).getMessage());
    }

    @Test
    void anInterruptStopsTheMovingMotorAndIsRethrown() throws Exception {
        SimMotor m = new SimMotor("m", 0.0, 1.0);
        CountDownLatch started = new CountDownLatch(1);
        m.addMotionListener(new SimMotor.MotionListener() {
            @Override
            public void moveStarted(SimMotor motor, double from, double to) {
                started.countDown();
            }

            @Override
            public void moveEnded(SimMotor motor, double position, boolean stopped) {
                log.add(stopped ? "m.stopped" : "m.end");
            }
        });
        RecordingScannable watcher = new RecordingScannable("watcher", 5, log);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ScannableCommands.pos(m, 10, watcher, 0);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive());
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        assertFalse(m.isBusy());
        assertTrue((Double) m.getPosition() < 10.0);
        assertEquals(List.of("m.stopped"), log.only("m."));
        assertEquals(1, log.count("watcher.atCommandFailure"));
    }
}
