"""Output for people: figures (:mod:`~gradesim.output.figures`) and text (:mod:`~gradesim.output.text`).

Everything here reads a finished :class:`~gradesim.simulation.Result`; nothing
here runs a simulation.
"""
