"""Adapters: the stores and recorders, the personal-data store, the master key, the hash chain, configuration."""
