package gda.observable;

/** GDA's observable: devices that tell observers of changes (positions, status). */
public interface IObservable {
    void addIObserver(IObserver observer);

    void deleteIObserver(IObserver observer);

    void deleteIObservers();
}
