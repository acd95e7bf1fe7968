# pause() / checkForPauses() / halt, as long-running scripts cooperate with the GDA client
import threading
from gda.jython import ScriptBase, InterfaceProvider
from gda.scan import ScanInterruptedException

def resume_later():
    resume()

for sample in range(3):
    checkForPauses()
    print "sample", sample
    if sample == 1:
        pause()
        print "paused: checkForPauses() waits until another thread resumes"
        threading.Timer(0.05, resume_later).start()
        ScriptBase.checkForPauses()
        print "resumed"

InterfaceProvider.getScriptController().haltCurrentScript()
try:
    checkForPauses()
except ScanInterruptedException, e:
    print "stopped:", e
