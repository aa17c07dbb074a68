// Package geo converts coordinates between the geographic coordinate
// reference systems that show up in Chinese map data, and offers a few small
// geodesic helpers.
//
// All points are [orb.Point] values in (longitude, latitude) order, in
// decimal degrees.
//
// Supported systems:
//
//   - [WGS84] (EPSG:4326): GPS, OpenStreetMap, PostGIS storage. This is the
//     system everything is stored in.
//   - [CGCS2000] (EPSG:4490): China's official geodetic datum. It differs
//     from WGS84 by a few centimetres, far below the accuracy of the data we
//     handle, so it is treated as identical to WGS84.
//   - [GCJ02] ("Mars coordinates"): the obfuscated system mandated for
//     published maps in mainland China (AutoNavi/Amap, Tencent, Google China).
//     In Beijing it is shifted by roughly 500 m from WGS84.
//   - [BD09]: Baidu's system, a further ~900 m shift applied on top of GCJ-02.
//
// The forward transforms use the standard published formulas: the GCJ-02
// polynomial/sine series on the Krasovsky 1940 ellipsoid
// (a = 6378245 m, e² = 0.00669342162296594323) and Baidu's polar
// perturbation with x_pi = π·3000/180. Neither has a closed-form inverse;
// [GCJ02ToWGS84] and [BD09ToGCJ02] invert their forward formula by fixed-point
// iteration to about 1e-9 degrees (well under 1 mm), instead of the common
// one-step approximation, which is off by up to a few metres.
//
// As in every published implementation, the GCJ-02 offset is zero for points
// outside a rough bounding rectangle of China (see [OutOfChina]); the BD-09
// perturbation is applied everywhere.
package geo
