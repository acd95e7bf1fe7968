"""Kept for gda_bridge.server.run, which imports data_dir_for from here; the scan files live in
gda_bridge.session.files."""

from gda_bridge.session.files import data_dir_for

__all__ = ["data_dir_for"]
