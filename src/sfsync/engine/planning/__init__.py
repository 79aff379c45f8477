"""Making a plan: the config diff, metadata checks, matching, exclusions, plays and the write set.

It reads the store and Salesforce and returns a `engine.plans.Plan`; it never writes to Salesforce.
"""
