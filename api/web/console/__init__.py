"""What the officers' console pages share: who may use them, refusals, and redirects."""
