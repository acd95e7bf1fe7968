"""gdascripts.metadata.metadata_commands: the title and the scannables recorded in every scan file
(over gda.data.metadata's GDAMetadata and metashop)."""

from typing import Any

from gda.factory import Finder

from gda_bridge.scans.context import context


def setTitle(title: Any) -> None:  # noqa: N802 - GDA's name
    """The title of the scans that follow (the file's /entry/title)."""
    Finder.getInstance().find("GDAMetadata").setMetadataValue("title", title)


def getTitle() -> Any:  # noqa: N802
    return Finder.getInstance().find("GDAMetadata").getMetadataValue("title")


def meta_add(farg: Any, *vargs: Any) -> None:
    """Record these scannables' positions before every scan (/entry/before_scan)."""
    Finder.getInstance().find("metashop").add([farg, *vargs])


def meta_rm(farg: Any, *vargs: Any) -> None:
    Finder.getInstance().find("metashop").remove([farg, *vargs])


def _meta_ll() -> str:
    return Finder.getInstance().find("metashop").list(True)


def _meta_ls() -> str:
    return Finder.getInstance().find("metashop").list(False)


def meta_ll() -> None:
    """Print the recorded scannables with their positions now."""
    context().output(_meta_ll())


def meta_ls() -> None:
    """Print the names of the recorded scannables."""
    context().output(_meta_ls())


def meta_clear_alldynamical() -> str:
    metashop = Finder.getInstance().find("metashop")
    metashop.clearDynamicScannableMetadata()
    return metashop.list(False)


__all__ = ["getTitle", "meta_add", "meta_clear_alldynamical", "meta_ll", "meta_ls", "meta_rm", "setTitle"]
