"""The read-side kernel every read model is built on, written once.

Declaring the events a model takes (:mod:`~projections.kernel.handlers`), the model's
tables and generation (:mod:`~projections.kernel.readmodel`), and the running, batching and
tracking machinery live here; each ``projections/<model>/`` package holds only what is
particular to its model: its handlers, its tables, its queries.
"""
