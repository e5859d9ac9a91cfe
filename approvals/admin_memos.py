"""Admin for memos (notater) and their deliveries."""
