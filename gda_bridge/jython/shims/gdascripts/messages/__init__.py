"""gdascripts.messages: handle_messages."""
