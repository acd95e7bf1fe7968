package gda.observable;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The observers of one device, told of a change in the order they were added, on the caller's
 * thread. An observer that throws does not stop the others; the first failure is rethrown after
 * all were told, so no change goes unreported silently.
 */
public class ObservableComponent implements IObservable {
    private final List<IObserver> observers = new CopyOnWriteArrayList<>();

    @Override
    public void addIObserver(IObserver observer) {
        if (observer != null && !observers.contains(observer)) {
            observers.add(observer);
        }
    }

    @Override
    public void deleteIObserver(IObserver observer) {
        observers.remove(observer);
    }

    @Override
    public void deleteIObservers() {
        observers.clear();
    }

    public boolean isBeingObserved() {
        return !observers.isEmpty();
    }

    public void notifyIObservers(Object source, Object change) {
        RuntimeException first = null;
        for (IObserver o : observers) {
            try {
                o.update(source, change);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
