"""QGIS plugin entry point of the Complete Community Toolkit (完整社区规划工具箱)."""


def classFactory(iface):
    """Called by QGIS (and by qgis_process) to create the plugin."""
    from .plugin import CompleteCommunityPlugin

    return CompleteCommunityPlugin(iface)
