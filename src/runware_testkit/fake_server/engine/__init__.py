"""The engine: the pure task lifecycle (records, stores, clock, progression, ids, pricing)."""
