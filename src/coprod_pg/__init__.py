"""PostgreSQL-specific infrastructure for coprod, kept out of `coprod` so the domain stays driver-free.

Selected by name from `coprod.config` (the library's ``APPLICATION_RECORDER_TOPIC``), never
imported by `coprod` itself.
"""
