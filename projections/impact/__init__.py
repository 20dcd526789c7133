"""The impact read model: its events and handlers (model), facts and their fold, its report."""
