"""Where a plan store lives, as QGIS knows it: a GeoPackage, or a PostgreSQL schema reached
through one of the user's saved QGIS connections.

The domain (``scoring/plan``) names a PostgreSQL store by an address that never holds a password
(``postgres: connection='院内数据库' schema=plan_2025``). This module is the QGIS half the domain
cannot have: it finds the saved connection (QGIS's connections API), expands its authentication
configuration with QGIS's authentication manager, and hands psycopg2 the keywords — the password
only in memory, never in the store, a project file or a log. Both the dialogs and the algorithms
(``PLAN_STORE``) open stores through :func:`open_plan_store`, and add the projects to a map
through :func:`projects_layers`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from qgis.core import (
    QgsCredentials,
    QgsDataSourceUri,
    QgsProviderRegistry,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..i18n import tr
from ..scoring.errors import N_, DataError
from ..scoring.plan import PlanStore, projects_layer_uri
from ..scoring.plan.postgis import (
    LIBPQ_KEYS,
    PROJECTS_GEOMETRY_TYPES,
    PostgresAddress,
    address_text,
    is_address,
    psycopg2,
)

_NO_CONNECTION = N_(
    "There is no saved QGIS PostgreSQL connection named '{name}' (saved connections: "
    "{known}). Add it in the Browser panel (PostgreSQL ▸ New Connection), or correct the "
    "plan store address"
)
_NO_AUTH_CONFIG = N_(
    "The authentication configuration '{authcfg}' of the plan store address could not be "
    "used: it is not in this QGIS profile, or the master password was not given"
)
_PROVIDER = "postgres"

#: Passwords the user typed this session, per connection (in memory only): a connection
#: saved without its password asks once, not at every read.
_TYPED_PASSWORDS: Dict[str, str] = {}


def saved_connections() -> List[str]:
    """The names of the user's saved QGIS PostgreSQL connections, sorted."""
    metadata = QgsProviderRegistry.instance().providerMetadata(_PROVIDER)
    if metadata is None:
        return []
    return sorted(metadata.connections().keys(), key=str.casefold)


def connection_uri(name: str) -> QgsDataSourceUri:
    """The data source URI of a saved connection (it may hold a saved password: keep it in
    memory); DataError naming the connections there are when there is none of that name."""
    metadata = QgsProviderRegistry.instance().providerMetadata(_PROVIDER)
    connections = metadata.connections() if metadata is not None else {}
    if name not in connections:
        raise DataError(
            _NO_CONNECTION, name=name, known=", ".join(sorted(connections)) or tr("none")
        )
    return QgsDataSourceUri(connections[name].uri())


def address_uri(address: PostgresAddress) -> QgsDataSourceUri:
    """The connection part of ``address`` as a QGIS data source URI (authcfg kept as an id)."""
    if address.connection:
        uri = connection_uri(address.connection)
    else:
        uri = QgsDataSourceUri()
        keys = dict(address.params)
        if keys.get("service"):
            uri.setConnection(keys["service"], keys.get("dbname", ""), keys.get("user", ""), "")
        else:
            uri.setConnection(
                keys.get("host", ""),
                keys.get("port", ""),
                keys.get("dbname", ""),
                keys.get("user", ""),
                "",
            )
        if keys.get("sslmode"):
            uri.setSslMode(QgsDataSourceUri.decodeSslMode(keys["sslmode"]))
    if address.get("authcfg"):
        uri.setAuthConfigId(address.get("authcfg"))
    return uri


class _QgisConnector:
    """Turns an address into psycopg2's keywords with QGIS (saved connection, authentication
    configuration); asks the user for a password QGIS's way when the server wants one that the
    connection does not keep (kept in memory for the session only)."""

    def __call__(self, address: PostgresAddress) -> Dict[str, str]:
        return connect_keywords(address)

    def ask_password(self, address: PostgresAddress, reason: str) -> Optional[Dict[str, str]]:
        keywords = connect_keywords(address)
        realm = address_uri(address).connectionInfo(False)
        asked = QgsCredentials.instance().get(
            realm, keywords.get("user", ""), "", tr("Plan store {file}: {reason}").format(
                file=address.display(), reason=reason
            ),
        )  # fmt: skip
        ok, user, password = asked if isinstance(asked, tuple) else (asked, "", "")
        if not ok or not password:
            return None
        keywords.update(user=user or keywords.get("user", ""), password=password)
        _TYPED_PASSWORDS[_password_key(address, keywords)] = password
        return keywords


QGIS_CONNECTOR = _QgisConnector()


def connect_keywords(address: PostgresAddress) -> Dict[str, str]:
    """libpq keywords for psycopg2: the saved connection or the address's own keywords, with
    the authentication configuration expanded by QGIS (username, password, certificates)."""
    uri = address_uri(address)
    authcfg = uri.authConfigId()
    info = uri.connectionInfo(True)
    if authcfg and "authcfg=" in info:  # QGIS could not expand it
        raise DataError(_NO_AUTH_CONFIG, authcfg=authcfg)
    keywords = dict(psycopg2().extensions.parse_dsn(info))
    keywords.pop("authcfg", None)
    for key, value in address.params:  # the address's own keywords add to a connection's
        if key in LIBPQ_KEYS and key not in keywords:
            keywords[key] = value
    typed = _TYPED_PASSWORDS.get(_password_key(address, keywords))
    if typed and not keywords.get("password"):
        keywords["password"] = typed
    return keywords


def _password_key(address: PostgresAddress, keywords: Dict[str, str]) -> str:
    return (
        "|".join(keywords.get(key, "") for key in ("service", "host", "port", "dbname", "user"))
        or address.text()
    )


def store_address(connection: str, schema: str) -> str:
    """The plan store address of ``schema`` reached through the saved connection ``connection``."""
    return address_text(schema, connection=connection)


def open_plan_store(source: str, **options: Any) -> PlanStore:
    """Open the plan store at ``source``: a GeoPackage path or a ``postgres:`` address."""
    if is_address(source):
        return PlanStore.open(source, connect=QGIS_CONNECTOR, **options)
    return PlanStore.open(source, **options)


def create_plan_store(source: str, *args: Any, **options: Any) -> PlanStore:
    """Create a plan store at ``source`` (see :meth:`PlanStore.create`)."""
    if is_address(source):
        return PlanStore.create(source, *args, connect=QGIS_CONNECTOR, **options)
    return PlanStore.create(source, *args, **options)


# --------------------------------------------------------------------------------------------
# The projects on a map
# --------------------------------------------------------------------------------------------


def projects_layer_source(store: PlanStore, geometry_type: str) -> tuple:
    """(data source, provider) of the projects of one geometry type (Point or Polygon).

    A PostgreSQL layer is the ``projects`` table itself, so QGIS draws, styles, filters and
    edits it like any PostGIS layer (edits there still move the record's version on, see
    the migrations). Its source keeps the connection's authentication configuration id or
    service, never a password: QGIS asks for one if the connection needs it.
    """
    if store.kind != "postgres":
        return projects_layer_uri(store.path, geometry_type), "ogr"
    backend: Any = store.backend
    uri = address_uri(backend.address)
    uri.setPassword("")
    schema, table, geometry, key = backend.layer_table()
    uri.setDataSource(schema, table, geometry, "", key)
    uri.setSrid(str(store.srs_id))
    uri.setWkbType(QgsWkbTypes.parseType(geometry_type))
    return uri.uri(False), _PROVIDER


def projects_layers(store: PlanStore, names: Optional[Dict[str, str]] = None) -> List[Any]:
    """The projects as map layers, points and polygons (valid ones only), styled by status
    (储备 / 计划 / 在建 / 完工) in the user's language."""
    from ..i18n import current_language
    from .maps.styles import StyleSettings, apply_style

    names = names or {
        "Point": tr("Plan projects (points)"),
        "Polygon": tr("Plan projects (areas)"),
    }
    layers = []
    for geometry_type in PROJECTS_GEOMETRY_TYPES:
        source, provider = projects_layer_source(store, geometry_type)
        layer = QgsVectorLayer(source, names[geometry_type], provider)
        if layer.isValid():
            apply_style(layer, "plan_projects", StyleSettings(language=current_language()))
            layers.append(layer)
    return layers
