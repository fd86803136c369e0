"""What the rules of each framework pack share about their framework (no rule here).

One module a framework: how its public names are spelled, how a module creates its application,
registers handlers and callbacks, which release the project runs. The pack folders hold rules
only, one file and one class each.
"""
