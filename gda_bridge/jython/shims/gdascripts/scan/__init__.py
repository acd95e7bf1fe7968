"""gdascripts.scan: gdascans, specscans and installStandardScansWithProcessing."""
