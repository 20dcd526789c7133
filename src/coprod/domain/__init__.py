"""The domain room: aggregates, value types and the pure PB outcome rules. No I/O."""
