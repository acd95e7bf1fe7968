"""gdascripts.pd: dummy_pds, time_pds, pd_gaussian."""
