package gda.device.motor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.MotorException;
import gda.device.MotorStatus;
import org.junit.jupiter.api.Test;

class DummyMotorTest {
    @Test
    void withoutASpeedAMoveEndsAtOnce() throws Exception {
        DummyMotor m = new DummyMotor("m");
        m.moveTo(2.5);
        assertEquals(MotorStatus.READY, m.getStatus());
        assertEquals(2.5, m.getPosition());
        m.moveBy(-1.0);
        assertEquals(1.5, m.getPosition());
        m.setPosition(10.0);
        assertEquals(10.0, m.getPosition());
    }

    @Test
    void withASpeedItIsBusyUntilItArrivesAndStopLeavesItPartWay() throws Exception {
        DummyMotor m = new DummyMotor("m");
        m.setSpeed(1.0);
        m.moveTo(100.0);
        assertTrue(m.isMoving());
        assertEquals(MotorStatus.BUSY, m.getStatus());
        m.stop();
        assertFalse(m.isMoving());
        double here = m.getPosition();
        assertTrue(here >= 0.0 && here < 100.0, "stopped at " + here);
        m.setSpeed(1e6);
        m.moveTo(1.0);
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (m.isMoving() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1.0, m.getPosition());
    }

    @Test
    void limitsRefuseATargetBeforeMoving() throws Exception {
        DummyMotor m = new DummyMotor("m");
        m.setMinPosition(-1.0);
        m.setMaxPosition(1.0);
        MotorException e = assertThrows(MotorException.class, () -> m.moveTo(2.0));
        assertEquals("m: position 2.0 is above the upper limit 1.0", e.getMessage());
        assertEquals(MotorStatus.UPPER_LIMIT, e.status);
        assertEquals(0.0, m.getPosition());
        assertThrows(MotorException.class, () -> m.setSpeed(-1.0));
    }
}
