"""The command-line room: `coprod ...`, one module per command group."""
