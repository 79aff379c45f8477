from unit.store.backends import postgres_database, store, store_url

__all__ = ["postgres_database", "store", "store_url"]
