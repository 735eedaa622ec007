"""What the service needs from storage, as protocols the adapters fulfil."""
