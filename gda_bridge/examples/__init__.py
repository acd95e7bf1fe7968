"""Example configurations and scripts for the simulated beamline."""
