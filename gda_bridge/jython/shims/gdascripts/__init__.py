"""gdascripts: the parts of GDA's script library legacy scripts import, written for gda-bridge.
A real gdascripts package on the script path takes precedence over this one."""
