"""NeXus/HDF5 scan files: the document-stream writer and post-scan NXprocess results.

The only package that imports h5py. See docs/nexus.md.
"""

from gda_bridge.nexus.process import write_process
from gda_bridge.nexus.writer import NexusWriteError, NexusWriter

__all__ = ["NexusWriteError", "NexusWriter", "write_process"]
