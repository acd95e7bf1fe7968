"""A scan file's timeline page: read the file, check it has a timeline, write the page beside it."""

from __future__ import annotations

import logging
from pathlib import Path

from gda_bridge.core.timeline import Timeline
from gda_bridge.nexus.timeline import read_timeline
from gda_bridge.timeline._page import render_page
from gda_bridge.timeline._summary import Summary

log = logging.getLogger("gda_bridge.timeline")


class TimelineError(Exception):
    """A file whose timeline cannot be drawn: ``str()`` is one line for the user, ``reason`` the
    same without the file's path (for a server, which should not show its folders)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path, self.reason = path, reason


def load_timeline(path: str | Path) -> Timeline:
    """The timeline of scan file ``path``; TimelineError if it is missing, not HDF5 or has none."""
    path = Path(path)
    if not path.is_file():
        raise TimelineError(path, "is not there (no such file)")
    try:
        timeline = read_timeline(path)
    except KeyError:
        raise TimelineError(path, "has no timeline (/entry1/timeline): written before timelines were "
                                  "recorded, or not a gda-bridge scan file") from None
    except OSError as exc:
        raise TimelineError(path, f"is not an HDF5 file that can be read ({exc})") from None
    if len(timeline) == 0:
        raise TimelineError(path, "has an empty timeline: the scan did not end (killed?), so its "
                                  "intervals were never written")
    return timeline


def default_output(scan_file: str | Path) -> Path:
    """``<scan>-timeline.html`` beside the scan file."""
    scan_file = Path(scan_file)
    return scan_file.with_name(f"{scan_file.stem}-timeline.html")


def timeline_page(scan_file: str | Path, slowest: int = 10, subtitle: str | None = None) -> tuple[str, Summary]:
    """The HTML page of a scan file's timeline, and its summary; ``subtitle``: the line under the
    title (default: the file's path)."""
    scan_file = Path(scan_file)
    timeline = load_timeline(scan_file)
    return render_page(timeline, scan_file.name, subtitle=f"{scan_file.resolve()}." if subtitle is None else subtitle,
                       slowest=slowest)


def write_timeline_page(scan_file: str | Path, output: str | Path | None = None,
                        slowest: int = 10) -> tuple[Path, Summary]:
    """Write the page (default: :func:`default_output`); the path written and the summary."""
    page, summary = timeline_page(scan_file, slowest)
    out = Path(output) if output is not None else default_output(scan_file)
    out.write_text(page, encoding="utf-8")
    log.info("timeline of %s written to %s", scan_file, out)
    return out, summary
