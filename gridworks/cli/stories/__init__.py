"""What `gridworks demo` and `gridworks tour` run: scripted stories that print as they go.

They import the actors, the identity layer and algosdk at the top, so only the command that runs
one of them pays for those imports.
"""
