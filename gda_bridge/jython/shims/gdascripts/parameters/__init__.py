"""gdascripts.parameters: beamline_parameters (beamline settings files, name mappings)."""
