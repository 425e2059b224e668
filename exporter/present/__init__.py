"""The presentation layer: what every renderer prints or decides, resolved once from a document and a style.

Import the modules themselves (``exporter.present.view`` and the rest): this package imports nothing, so
``exporter.style`` can use the label table without importing the view (which imports the style).
"""
