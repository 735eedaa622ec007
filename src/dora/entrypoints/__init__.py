"""The ways in: the REST service and the command line."""
