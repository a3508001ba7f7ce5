"""Classroom material: the offline lesson page and the grid behind its sliders.

:mod:`gradesim.classroom.grid` precomputes the curves, :mod:`gradesim.classroom.interp`
interpolates them and :mod:`gradesim.classroom.page` writes the page.
"""
