# A scan script for the simulated beamline (see sim_beamline.toml beside it).
pos(m1, 2.5)                        # moves the EPICS motor, waits for completion, prints the readback
scan(m1, -1, 1, 0.05, ct, 0.01)     # scaler counts show a peak near m1 = 0.1
go(peak)                            # moves m1 to the fitted peak
scan(m1, 0, 1, 0.1, cam, 0.01)      # a frame per point, written by the IOC's HDF5 plugin, linked from the scan file
