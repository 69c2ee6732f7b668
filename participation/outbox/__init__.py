"""The e-mail outbox and its delivery: the only way mail leaves."""
