"""The benchmark harness: the local org, measured subprocess runs, the floor and the table."""
