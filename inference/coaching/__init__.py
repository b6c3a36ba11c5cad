"""Evidence-linked coaching: a data-driven rules engine turning report findings into prioritised tips."""
