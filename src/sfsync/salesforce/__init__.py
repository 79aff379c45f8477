"""The Salesforce side: one port (`port.py`) the engine uses, one adapter that implements it."""
