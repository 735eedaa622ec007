"""Storage and outside-world adapters behind the ports."""
