"""Point Channel Access at reserved IOC ports before anything imports pyepics' libca (the camera
plot test uses the simulated beamline's area detector)."""

from gda_bridge.sim_ioc.testing import configure_client_environment

configure_client_environment(n_ports=4)
