"""A viewer: opens a scan file as another process would (h5py, default HDF5 file locking) and
keeps it open until told to quit.

Usage: hold_open.py <file> swmr|plain. Prints "open" once the file is open; on the line "read"
it re-reads the file's processing results and prints "results <names>" (through the link), on
"quit" it closes the file and exits.
"""

import sys

import h5py


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2]
    f = h5py.File(path, "r", swmr=mode == "swmr", libver=("v110", "v114"))
    f["entry1/scan_status"][()]
    print("open", flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        if line.strip() == "read":
            print("results", " ".join(sorted(f["entry1/processing"])), flush=True)
    f.close()


if __name__ == "__main__":
    main()
