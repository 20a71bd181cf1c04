"""Maps: the styles of the layers the toolkit makes, and the map book.

``styles.py`` applies the ``.qml`` looks in ``resources/styles/`` to layers, adapted to their
data and language; ``post_processor.py`` styles the outputs QGIS loads after a run.
"""
