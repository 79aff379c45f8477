"""sfsync: a Salesforce data-sync integration as code."""

__version__ = "0.1.0"
