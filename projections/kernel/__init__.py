"""The read-side kernel every read model is built on, written once.

It knows no read model: the runner is given a registry (coprod's is
:mod:`projections.registry`), so the mechanism never imports its policies.

* :mod:`~projections.kernel.handlers`: which events a model takes, declared with the handlers.
* :mod:`~projections.kernel.readmodel`: the model interface and one generation's view.
* :mod:`~projections.kernel.batching`: a batch's row buffers and the subject index.
* :mod:`~projections.kernel.rowmodel`: the writer and class of the small models that write each
  event's row at once.
* :mod:`~projections.kernel.positions`: the applied position of the active generation.
* :mod:`~projections.kernel.reading`: the reader of the active generation, retried on a switch.
* :mod:`~projections.kernel.generations`: building a new generation and switching to it.
* :mod:`~projections.kernel.runner`, :mod:`~projections.kernel.isolation`,
  :mod:`~projections.kernel.worker`, :mod:`~projections.kernel.health`: catching up, setting
  bad events aside, following the log on a thread, and reporting lag.

Each ``projections/<model>/`` package holds only what is particular to its model: its
handlers, its tables, its queries.
"""
