"""Use cases: what the REST API and the command line ask of the service."""
