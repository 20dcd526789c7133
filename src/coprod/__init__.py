"""coprod: the write side of an event-sourced tracker for participatory budgeting and co-production.

Domain aggregates (one module each) and the application that loads, checks and saves them.
Nothing here imports the web layer, the read models or a database driver.
"""
