"""A Salesforce-compatible org on localhost over HTTPS.

A separate application: it shares no code with the sync engine. Unmodified Salesforce clients
(simple-salesforce in particular) talk to it over real TLS for the subset of the API it serves.
"""
