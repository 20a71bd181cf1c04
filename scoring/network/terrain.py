"""Terrain as plain data: a grid of heights, where it lies, and bilinear heights between cells.

The QGIS adapter reads the DEM window over the network (one band, already chosen) into a numpy
array and hands it over with its geotransform and nodata value; nothing here knows rasters or
CRSs. Heights are asked for in the DEM's own coordinates, so the adapter transforms the
network's points into the DEM's CRS in bulk (QGIS does that once for all nodes, see
:func:`.walking_time.walking_costs`), a DEM in geographic degrees included.

Convention (DESIGN §4b): a height is interpolated bilinearly between the four surrounding
*cell centres*. Within half a cell of the grid's outer edge, beyond the outermost centres, the
border cells' values are used (the grid is extended flat by half a cell), so every point inside
the raster's extent has a height. A point outside the extent has none; nor has a point whose
surrounding cells are all nodata (or not finite). Where only some of the four cells are nodata
the height is the weighted mean of the others: a small hole does not blank its surroundings.
What happens to points without a height is decided by the caller (the walking-time costs fill
them along their line; see :mod:`.walking_time`).

API summary:

- ``Terrain(heights, geotransform, nodata=None)``: ``heights`` (rows, cols) with row 0 at
  the geotransform's origin (float32 stays float32; the grid is copied once, padded, and the
  caller's array is not kept: ``Terrain.heights`` is then a view where nodata reads 0,
  ``Terrain.valid_cells`` says where); ``geotransform`` GDAL-style (x0, pixel width, row
  rotation, y0, column rotation, pixel height, the last negative for north-up rasters).
- ``Terrain.sample(x, y)`` -> (heights, valid): float64 heights (NaN where not valid) and a
  boolean array, vectorised over any number of points.
- ``Terrain.from_extent(heights, xmin, ymin, xmax, ymax, nodata)``: a north-up grid from its
  extent, as QGIS reports a raster block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple

import numpy as np

#: Points sampled at once (bounds the temporary arrays of a city-sized call).
_CHUNK = 1_000_000


@dataclass(eq=False)
class Terrain:
    """A height grid with its geotransform and nodata value (see the module docstring)."""

    heights: np.ndarray
    geotransform: Sequence[float]
    nodata: Optional[float] = None
    _padded: np.ndarray = field(init=False, repr=False)
    _valid: Optional[np.ndarray] = field(init=False, repr=False)
    _inverse: Tuple[float, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        grid = np.asarray(self.heights)
        if grid.ndim != 2 or grid.shape[0] < 1 or grid.shape[1] < 1:
            raise ValueError("heights must be a non-empty 2-D array (rows, columns)")
        gt = tuple(float(value) for value in self.geotransform)
        if len(gt) != 6 or not all(np.isfinite(gt)):
            raise ValueError("geotransform must be six finite numbers (GDAL order)")
        determinant = gt[1] * gt[5] - gt[2] * gt[4]
        if determinant == 0:
            raise ValueError("geotransform must have non-zero pixel sizes")
        self.geotransform = gt
        # Single-precision DEMs stay single (half the memory); arithmetic is in float64.
        values = grid if grid.dtype.kind == "f" else grid.astype(np.float64)
        valid = np.isfinite(values)
        if self.nodata is not None and np.isfinite(float(self.nodata)):
            valid &= values != float(self.nodata)
        if not valid.all():
            values = np.where(valid, values, values.dtype.type(0))
        # One replicated cell around the grid: bilinear interpolation in the padded grid is
        # then flat over the half-cell border and needs no clamping or special small grids.
        self._padded = np.pad(values, 1, mode="edge")
        self._valid = None if valid.all() else np.pad(valid, 1, mode="edge")
        # Only the padded copy is kept (a city's DEM window is tens of MB): ``heights`` becomes
        # a view of its interior, where nodata cells read 0 (see ``valid_cells``).
        self.heights = self._padded[1:-1, 1:-1]
        # Pixel coordinates (col, row) of a point: the inverse of the affine transform.
        a, b, c, d = gt[1], gt[2], gt[4], gt[5]
        self._inverse = (d / determinant, -b / determinant, -c / determinant, a / determinant)

    @classmethod
    def from_extent(
        cls,
        heights: np.ndarray,
        xmin: float,
        ymin: float,
        xmax: float,
        ymax: float,
        nodata: Optional[float] = None,
    ) -> Terrain:
        """A north-up grid covering the extent (row 0 along ``ymax``)."""
        rows, cols = np.asarray(heights).shape
        width = (float(xmax) - float(xmin)) / cols
        height = (float(ymax) - float(ymin)) / rows
        return cls(heights, (float(xmin), width, 0.0, float(ymax), 0.0, -height), nodata)

    @property
    def valid_cells(self) -> np.ndarray:
        """Which cells hold a height (not nodata, finite), shaped like ``heights``."""
        if self._valid is None:
            return np.ones(self.shape, dtype=bool)
        return self._valid[1:-1, 1:-1]

    @property
    def shape(self) -> Tuple[int, int]:
        rows, cols = self._padded.shape
        return rows - 2, cols - 2

    def sample(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Bilinear heights at the points (x[i], y[i]) in the DEM's coordinates, and whether
        each has one (inside the raster's extent, not all surrounding cells nodata)."""
        return self.sample_pixels(*self.pixels(x, y))

    def pixels(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Fractional (column, row) of points, with cell centres at whole numbers.

        The map from coordinates to pixels is affine, so a point part-way along a straight
        segment is the same part-way between its ends' pixels: the walking-time costs convert
        the network's nodes once and interpolate piece ends here.
        """
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if x.shape != y.shape:
            raise ValueError("x and y must have the same length")
        x0, _, _, y0, _, _ = self.geotransform
        i00, i01, i10, i11 = self._inverse
        dx, dy = x - x0, y - y0
        return i00 * dx + i01 * dy - 0.5, i10 * dx + i11 * dy - 0.5

    def sample_pixels(self, u: np.ndarray, v: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """:meth:`sample` for points already in pixel coordinates (see :meth:`pixels`)."""
        u = np.asarray(u, dtype=np.float64).reshape(-1)
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        height = np.empty(u.shape[0])
        valid = np.empty(u.shape[0], dtype=bool)
        for start in range(0, u.shape[0], _CHUNK):
            stop = start + _CHUNK
            height[start:stop], valid[start:stop] = self._sample(u[start:stop], v[start:stop])
        return height, valid

    def _sample(self, u: np.ndarray, v: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        rows, cols = self.shape
        # In the padded grid the raster's extent runs from 0.5 to cols + 0.5 (NaN: outside).
        u = u + 1.0
        v = v + 1.0
        if (
            u.size
            and u.min() >= 0.5
            and u.max() <= cols + 0.5
            and v.min() >= 0.5
            and v.max() <= rows + 0.5
        ):
            inside = np.ones(u.shape[0], dtype=bool)  # the usual case, checked without temporaries
        else:
            inside = (u >= 0.5) & (u <= cols + 0.5) & (v >= 0.5) & (v <= rows + 0.5)
        if not inside.all():
            u = np.where(inside, u, 1.0)
            v = np.where(inside, v, 1.0)
        j0 = u.astype(np.int64)  # floor: u >= 0.5 here
        i0 = v.astype(np.int64)
        wx = u - j0
        wy = v - i0
        width = cols + 2
        corner = i0 * width + j0
        z = self._padded.ravel()
        z00 = z.take(corner)
        z01 = z.take(corner + 1)
        z10 = z.take(corner + width)
        z11 = z.take(corner + (width + 1))
        top = z00 + wx * (z01 - z00)
        height = top + wy * ((z10 + wx * (z11 - z10)) - top)
        valid = inside
        if self._valid is not None:
            mask = self._valid.ravel()
            m00, m01 = mask.take(corner), mask.take(corner + 1)
            m10, m11 = mask.take(corner + width), mask.take(corner + (width + 1))
            w00, w01 = (1.0 - wx) * (1.0 - wy), wx * (1.0 - wy)
            w10, w11 = (1.0 - wx) * wy, wx * wy
            complete = (m00 | (w00 == 0)) & (m01 | (w01 == 0)) & (m10 | (w10 == 0))
            complete &= m11 | (w11 == 0)
            partial = ~complete & inside
            if partial.any():
                weight = w00 * m00 + w01 * m01 + w10 * m10 + w11 * m11
                total = w00 * m00 * z00 + w01 * m01 * z01 + w10 * m10 * z10 + w11 * m11 * z11
                has = weight > 0
                height = np.where(partial & has, total / np.where(has, weight, 1.0), height)
                valid = inside & (complete | has)
        if not valid.all():
            height = np.where(valid, height, np.nan)
        return height, valid
