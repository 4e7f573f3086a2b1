"""The simulations of GridWorks markets (issue 12), starting with its data."""
