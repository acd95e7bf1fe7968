"""Scaler peak, camera frames and beam loss over real Channel Access, checked with raw pyepics."""

import time

import epics
import numpy as np
import pytest

from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc.testing import ioc_pool


def put(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def get(pvname: str, **kw: object) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5, **kw)


def count(ioc: SimIOC, position: float, tp: float = 0.05) -> dict[str, int]:
    put(ioc.pv("m1.VELO"), 1e9)
    put(ioc.pv("m1.VAL"), position)
    put(ioc.pv("scaler1.TP"), tp)
    put(ioc.pv("scaler1.CNT"), 1)
    return {get(ioc.pv(f"scaler1.NM{i}")): get(ioc.pv(f"scaler1.S{i}")) for i in (1, 2, 3)}


def test_count_takes_the_preset_time_and_returns_to_done(sim_ioc: SimIOC) -> None:
    put(sim_ioc.pv("scaler1.TP"), 0.2)
    start = time.monotonic()
    put(sim_ioc.pv("scaler1.CNT"), 1)
    assert time.monotonic() - start >= 0.19
    assert get(sim_ioc.pv("scaler1.CNT")) == 0
    assert get(sim_ioc.pv("scaler1.S1")) == round(get(sim_ioc.pv("scaler1.FREQ")) * 0.2)


def test_det_channel_shows_a_peak_in_m1(sim_ioc: SimIOC) -> None:
    positions = np.linspace(-1, 1, 21)
    det = [count(sim_ioc, p)["det"] for p in positions]
    top = positions[int(np.argmax(det))]
    assert abs(top - 0.1) <= 0.1  # default centre 0.1, fwhm 0.3
    assert max(det) > 20 * min(det)
    assert count(sim_ioc, 0.0)["mon"] > 0


def test_closed_shutter_or_lost_beam_stops_the_counts(sim_ioc: SimIOC) -> None:
    put(sim_ioc.pv("shutter:control"), 0)
    try:
        assert get(sim_ioc.pv("shutter:status"), as_string=True) == "Closed"
        counts = count(sim_ioc, 0.1)
        assert counts["det"] == 0 and counts["mon"] == 0 and counts["clock"] > 0
    finally:
        put(sim_ioc.pv("shutter:control"), 1)
    put(sim_ioc.pv("ring:current"), 0.0)
    try:
        assert count(sim_ioc, 0.1)["mon"] == 0
    finally:
        put(sim_ioc.pv("ring:current"), 300.0)
    assert count(sim_ioc, 0.1)["mon"] > 0


def frame(ioc: SimIOC) -> np.ndarray:
    nx, ny = get(ioc.pv("image1:ArraySize0_RBV")), get(ioc.pv("image1:ArraySize1_RBV"))
    data = get(ioc.pv("image1:ArrayData"), count=nx * ny)
    return np.asarray(data, dtype=np.int16).view(np.uint16).reshape(ny, nx)


def test_frames_have_the_advertised_shape_and_follow_the_motors(sim_ioc: SimIOC) -> None:
    assert (get(sim_ioc.pv("cam1:ArraySizeX_RBV")), get(sim_ioc.pv("cam1:ArraySizeY_RBV"))) == (256, 192)
    for motor in ("m1", "m2"):
        put(sim_ioc.pv(f"{motor}.VELO"), 1e9)
        put(sim_ioc.pv(f"{motor}.VAL"), 0.0)
    put(sim_ioc.pv("cam1:AcquireTime"), 0.01)
    put(sim_ioc.pv("cam1:ImageMode"), 0)
    before = get(sim_ioc.pv("image1:UniqueId_RBV"))
    put(sim_ioc.pv("cam1:Acquire"), 1)
    assert get(sim_ioc.pv("image1:UniqueId_RBV")) == before + 1
    assert get(sim_ioc.pv("cam1:DetectorState_RBV"), as_string=True) == "Idle"
    centred = frame(sim_ioc)
    assert centred.shape == (192, 256) and centred.max() > 1000
    y0, x0 = np.unravel_index(np.argmax(centred), centred.shape)
    assert abs(x0 - 128) <= 2 and abs(y0 - 96) <= 2

    put(sim_ioc.pv("m1.VAL"), 2.0)  # 256/20 = 12.8 pixels per mm
    put(sim_ioc.pv("m2.VAL"), -1.0)
    put(sim_ioc.pv("cam1:Acquire"), 1)
    y1, x1 = np.unravel_index(np.argmax(frame(sim_ioc)), centred.shape)
    assert x1 - x0 == pytest.approx(25.6, abs=2) and y1 - y0 == pytest.approx(-12.8, abs=2)


def test_multiple_mode_takes_num_images_before_the_put_completes(sim_ioc: SimIOC) -> None:
    put(sim_ioc.pv("cam1:AcquireTime"), 0.02)
    put(sim_ioc.pv("cam1:NumImages"), 3)
    put(sim_ioc.pv("cam1:ImageMode"), 1)
    try:
        before = get(sim_ioc.pv("cam1:ArrayCounter_RBV"))
        start = time.monotonic()
        put(sim_ioc.pv("cam1:Acquire"), 1)
        assert time.monotonic() - start >= 0.059
        assert get(sim_ioc.pv("cam1:ArrayCounter_RBV")) == before + 3
        assert get(sim_ioc.pv("cam1:NumImagesCounter_RBV")) == 3
        assert get(sim_ioc.pv("cam1:Acquire")) == 0
    finally:
        put(sim_ioc.pv("cam1:ImageMode"), 0)


@pytest.fixture(scope="module")
def colour_ioc():  # noqa: ANN201
    """A simulated beamline whose ArrayData holds colour frames (--colour)."""
    ioc = ioc_pool().start(args=("--frame-size", "256x192", "--colour"))
    yield ioc
    ioc.stop()


@pytest.fixture
def ramp_mode(colour_ioc: SimIOC):  # noqa: ANN201
    """The colour camera in Ramp mode for one test; back to UInt16 Mono afterwards."""
    put(colour_ioc.pv("cam1:SimMode"), "Ramp")
    put(colour_ioc.pv("cam1:AcquireTime"), 0.001)
    put(colour_ioc.pv("cam1:ImageMode"), 0)
    yield colour_ioc
    for pv, value in (("DataType", "UInt16"), ("ColorMode", "Mono")):
        put(colour_ioc.pv(f"cam1:{pv}"), value)


def raw_frame(ioc: SimIOC) -> tuple[np.ndarray, dict[str, object]]:
    """One new frame's ArrayData elements as the wire carries them, and the plugin's description."""
    put(ioc.pv("cam1:Acquire"), 1)
    info: dict[str, object] = {name: get(ioc.pv(f"image1:{name}"), as_string=True)
                               for name in ("DataType_RBV", "ColorMode_RBV")}
    info.update({name: get(ioc.pv(f"image1:{name}")) for name in
                 ("NDimensions_RBV", "ArraySize0_RBV", "ArraySize1_RBV", "ArraySize2_RBV", "UniqueId_RBV")})
    n = int(np.prod([s for s in (info["ArraySize0_RBV"], info["ArraySize1_RBV"], info["ArraySize2_RBV"]) if s]))
    chid = epics.get_pv(ioc.pv("image1:ArrayData"), connect=True).chid
    assert epics.ca.field_type(chid) == epics.dbr.SHORT  # fixed at start-up (--data-type UInt16)
    return np.asarray(get(ioc.pv("image1:ArrayData"), count=n)), info


def test_data_type_is_cast_into_the_waveform_type_as_areadetector_does(ramp_mode: SimIOC) -> None:
    from gda_bridge.sim_ioc._camera_frames import ramp

    for data_type, decode in (("UInt16", lambda a: a.astype(np.int16).view(np.uint16)),
                              ("Int8", lambda a: a.astype(np.int8)), ("UInt8", lambda a: a.astype(np.uint8))):
        put(ramp_mode.pv("cam1:DataType"), data_type)
        assert get(ramp_mode.pv("cam1:DataType_RBV"), as_string=True) == data_type
        data, info = raw_frame(ramp_mode)
        assert info["DataType_RBV"] == data_type and info["NDimensions_RBV"] == 2
        assert (info["ArraySize0_RBV"], info["ArraySize1_RBV"], info["ArraySize2_RBV"]) == (256, 192, 0)
        np.testing.assert_array_equal(decode(data).reshape(192, 256),
                                      ramp(192, 256, data_type, int(info["UniqueId_RBV"])))  # type: ignore[arg-type]


@pytest.mark.parametrize(("mode", "sizes", "to_rgb"), [
    ("RGB1", (3, 256, 192), lambda a: a.reshape(192, 256, 3)),
    ("RGB2", (256, 3, 192), lambda a: a.reshape(192, 3, 256).transpose(0, 2, 1)),
    ("RGB3", (256, 192, 3), lambda a: a.reshape(3, 192, 256).transpose(1, 2, 0)),
])
def test_colour_frames_follow_areadetector_layouts(ramp_mode: SimIOC, mode: str, sizes: tuple[int, int, int],
                                                   to_rgb) -> None:  # noqa: ANN001
    from gda_bridge.sim_ioc._camera_frames import ramp

    put(ramp_mode.pv("cam1:ColorMode"), mode)
    data, info = raw_frame(ramp_mode)
    assert info["ColorMode_RBV"] == mode and info["NDimensions_RBV"] == 3
    assert (info["ArraySize0_RBV"], info["ArraySize1_RBV"], info["ArraySize2_RBV"]) == sizes
    rgb = to_rgb(data.astype(np.int16).view(np.uint16))
    np.testing.assert_array_equal(rgb, ramp(192, 256, "UInt16", int(info["UniqueId_RBV"]), colours=3))  # type: ignore[arg-type]


def test_colour_modes_the_simulation_cannot_make_are_refused(sim_ioc: SimIOC, colour_ioc: SimIOC) -> None:
    for mode in ("Bayer", "YUV444"):
        put(colour_ioc.pv("cam1:ColorMode"), mode)
        assert get(colour_ioc.pv("cam1:ColorMode_RBV"), as_string=True) == "Mono"
    put(sim_ioc.pv("cam1:ColorMode"), "RGB1")  # without --colour, ArrayData has no room for colour
    assert get(sim_ioc.pv("cam1:ColorMode_RBV"), as_string=True) == "Mono"
    assert epics.ca.element_count(epics.get_pv(sim_ioc.pv("image1:ArrayData"), connect=True).chid) == 256 * 192
