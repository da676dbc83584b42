// Frame-agnostic geometry types. Whoever holds a value states its frame in the name
// (`pointsCam`, `centerWorld`); units are metres and radians unless a name says otherwise.

/** Three numbers: a point or a direction. */
export type Vec3 = [number, number, number];

/** Interleaved xyz coordinates in metres: point i is `[3i, 3i+1, 3i+2]`. */
export type Points = Float32Array;

/** Pinhole intrinsics in pixels (OpenCV convention: x right, y down, principal point in pixels). */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** A plane `normal · p + offset = 0` with a unit normal. */
export interface Plane {
  normal: Vec3;
  offset: number;
}

/**
 * A rigid transform `p_to = R · p_from + t`, R row-major 3×3.
 * Named by what it maps: `worldFromCam` takes camera-frame points to the world frame.
 */
export interface RigidTransform {
  rotation: [number, number, number, number, number, number, number, number, number];
  translation: Vec3;
}

/** An axis-aligned box in whatever frame its points were in. */
export interface AxisAlignedBox {
  min: Vec3;
  max: Vec3;
}

/**
 * A box standing upright in the world frame (z up): a rectangle in the ground plane rotated by
 * `yawRad` about z, extruded from `center[2] - heightM/2` to `center[2] + heightM/2`.
 * `widthM` is the horizontal side closer to the viewer's left-right axis (world x), `lengthM` the
 * other horizontal side (front-back), `heightM` the vertical extent. `yawRad` is the angle of the
 * width side from world +x, in (-π/4, π/4] (a side within 45° of x is by definition the width).
 */
export interface UprightBox {
  center: Vec3;
  widthM: number;
  lengthM: number;
  heightM: number;
  yawRad: number;
}
