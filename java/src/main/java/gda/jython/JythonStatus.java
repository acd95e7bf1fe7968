package gda.jython;

/** GDA's state of the script or scan runner: IDLE, PAUSED or RUNNING. */
public enum JythonStatus {
    IDLE,
    PAUSED,
    RUNNING
}
