"""QGIS Processing adapters: the provider, one algorithm per file, and layer conversion.

Algorithms declare parameters, turn layers into the plain data of ``scoring/`` and write the
results back; the analysis itself lives in ``scoring/``.
"""
