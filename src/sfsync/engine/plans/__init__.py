"""The plan value: what `plan` derives, `show` renders and `apply` performs, and its file form.

Nothing here reads Salesforce or the store: a plan is a frozen value, and the code that makes it
(`engine.planning`) and the code that carries it out (`engine.applying`) both sit around it.
"""
