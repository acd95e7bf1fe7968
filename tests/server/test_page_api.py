"""The operator page's extra endpoints against a real server: editing a queued item, and a finished
item's scan files (listed, downloaded, read back with h5py; confined to the data folder)."""

from __future__ import annotations

import io

import h5py
import httpx
import pytest

from gda_bridge.server.client import ServerRequestError
from tests.server.conftest import wait_until


def _refused(call, status: int) -> str:
    with pytest.raises(ServerRequestError) as info:
        call()
    assert info.value.status == status, info.value
    return info.value.detail


def _edit(client, item_id: int, **body) -> dict:
    return client.request("PATCH", f"/api/queue/{item_id}", json=body)


def test_a_queued_item_edited_runs_with_its_new_words(clients):
    op1, op2, obs, admin = clients["op1"], clients["op2"], clients["obs"], clients["admin"]
    op1.baton("take")
    op1.hold(True)
    command = op1.submit("ran.append('typo')")
    macro = op1.submit_macro("count_to", ["5"])
    edited = _edit(op1, command["id"], text="ran.append('edited')")
    assert edited["text"] == "ran.append('edited')" and edited["status"] == "queued"
    assert _edit(op1, macro["id"], args=["2"])["args"] == ["2"]
    assert [i["text"] for i in op1.queue()] == ["ran.append('edited')", "count_to"]

    assert "SyntaxError" in _refused(lambda: _edit(op1, command["id"], text="ran.append("), 422)
    assert "no macro 'nope'" in _refused(lambda: _edit(op1, macro["id"], text="nope"), 422)
    assert "only a macro has arguments" in _refused(lambda: _edit(op1, command["id"], args=["1"]), 422)
    assert "observer" in _refused(lambda: _edit(obs, command["id"], text="1"), 403)
    op1.baton("release")
    assert "take the baton" in _refused(lambda: _edit(op1, command["id"], text="1"), 409)
    op2.baton("take")
    assert "belongs to op1" in _refused(lambda: _edit(op2, command["id"], text="1"), 403)
    op2.baton("release")
    assert op1.item(command["id"])["text"] == "ran.append('edited')"  # the refusals changed nothing

    admin.baton("take")
    admin.hold(False)
    assert admin.wait(command["id"], timeout=30)["status"] == "completed"
    assert admin.wait(macro["id"], timeout=30)["output"] == ["count 0", "count 1"]
    assert admin.wait(admin.submit("ran[-1]")["id"], timeout=30)["output"] == ["'edited'"]
    assert "completed, not queued" in _refused(lambda: _edit(admin, command["id"], text="1"), 409)
    assert "no item" in _refused(lambda: _edit(admin, 10_000, text="1"), 404)


def test_a_finished_scan_file_is_listed_downloaded_and_confined_to_the_data_folder(server, clients, tokens, tmp_path):
    op1, obs = clients["op1"], clients["obs"]
    op1.baton("take")
    done = op1.wait(op1.submit("scan(fast, 0, 1, 0.25, fdet, 0.001)")["id"], timeout=30)
    assert done["status"] == "completed"
    (number,) = done["scan_numbers"]
    files = obs.request("GET", f"/api/items/{done['id']}/files")  # observers may read the data
    assert files == [{"scan_number": number, "name": f"gda-{number}.nxs",
                      "size": (server.workdir / "data" / f"gda-{number}.nxs").stat().st_size,
                      "url": f"/api/items/{done['id']}/files/{number}"}]

    with httpx.Client(base_url=server.url) as http:
        assert http.get(files[0]["url"]).status_code == 401
        r = http.get(files[0]["url"], headers={"Authorization": f"Bearer {tokens['obs']}"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/x-hdf5"
        assert f'filename="gda-{number}.nxs"' in r.headers["content-disposition"]
        with h5py.File(io.BytesIO(r.content), "r") as f:  # the file itself, read by an independent reader
            scan = f["entry1/diamond_scan"]
            assert list(scan["scan_shape"][()]) == [5]
            assert scan["scan_command"][()].decode() == "scan fast 0 1 0.25 fdet 0.001"
        auth = {"Authorization": f"Bearer {tokens['obs']}"}
        r = http.get(f"/api/items/{done['id']}/files/{number + 1000}", headers=auth)
        assert r.status_code == 404 and "ran no scan" in r.json()["detail"]
        for path in (f"/api/items/{done['id']}/files/..%2F..%2Ftokens.json", f"/api/items/{done['id']}/files/-1"):
            assert http.get(path, headers=auth).status_code in (404, 422)

    # a file swapped for a link to somewhere outside the data folder is not served
    secret = tmp_path / "outside.nxs"
    secret.write_bytes(b"not yours")
    moved = op1.wait(op1.submit("scan(fast, 0, 1, 0.5, fdet, 0.001)")["id"], timeout=30)
    (linked,) = moved["scan_numbers"]
    target = server.workdir / "data" / f"gda-{linked}.nxs"
    target.unlink()
    target.symlink_to(secret)
    assert "not in the data folder" in _refused(
        lambda: op1.request("GET", f"/api/items/{moved['id']}/files/{linked}"), 404)
    assert op1.request("GET", f"/api/items/{moved['id']}/files")[0]["size"] is None


def test_a_running_scan_file_is_not_served_until_it_ends(clients):
    op1 = clients["op1"]
    op1.baton("take")
    item = op1.submit("scan(sm, 0, 4, 0.1, sdet, 0.02)")
    scan = wait_until(lambda: (s := op1.status()["scan"]) is not None and s["points_done"] >= 1 and s,
                      what="the scan to start")
    number = scan["scan_number"]
    assert "still running" in _refused(lambda: op1.request("GET", f"/api/items/{item['id']}/files/{number}"), 409)
    op1.control("abort")
    op1.wait(item["id"], timeout=20)
    assert op1.request("GET", f"/api/items/{item['id']}/files")[0]["size"] > 0
