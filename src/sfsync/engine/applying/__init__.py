"""Carrying out a plan: accept it, re-check each batch against Salesforce, send it, record what came back.

It performs what the plan holds and never more; what it may write is decided by planning alone.
"""
