package gda.observable;

/** GDA's observer: told of each change of an {@link IObservable} it was added to. */
public interface IObserver {
    void update(Object source, Object change);
}
