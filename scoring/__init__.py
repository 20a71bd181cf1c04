"""Domain logic of the Complete Community Toolkit.

Nothing in this package imports ``qgis``: the network engine, the facility standard, the
provisioning arithmetic and the rubric live here so that they can be read, tested and reused on
their own. The Processing algorithms in ``processing/`` only adapt QGIS layers to the plain
data these modules take and turn their results back into layers.
"""
