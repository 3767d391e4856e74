"""What the notebook templates in ``notebooks/`` call beyond a plain run: the explorer
(:mod:`~sim.notebook.explorer`), policies run side by side into run folders
(:mod:`~sim.notebook.policies`) and tidy tables of differences and checks
(:mod:`~sim.notebook.tables`). Reached through the public names of :mod:`sim`.

The top layer, beside :mod:`sim.cli`: may import any layer below, not :mod:`sim.cli`.
"""
