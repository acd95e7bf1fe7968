"""Point Channel Access at the reserved IOC ports before anything imports pyepics' libca."""

from gda_bridge.sim_ioc.testing import configure_client_environment, sim_ioc, spare_ioc  # noqa: F401

configure_client_environment(n_ports=16)
