"""The read pass: Salesforce records into the mirror and the workspace, and links that follow them.

Both planning (refresh before a plan) and applying (the read-back after a write) use it; it knows
nothing of plans.
"""
