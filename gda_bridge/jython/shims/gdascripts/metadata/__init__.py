"""gdascripts.metadata: metadata_commands (setTitle, getTitle, meta_add, meta_ll, meta_ls, meta_rm)."""
