# Java-interface subclassing (helper "idioms"): kept apart so the rest of the package works alone.
from java.lang import Runnable, Thread


class Counter(Runnable):
    def __init__(self):
        self.count = 0

    def run(self):
        for i in xrange(3):
            self.count += 1


def run_in_thread():
    counter = Counter()
    thread = Thread(counter)
    thread.start()
    thread.join()
    return counter.count
