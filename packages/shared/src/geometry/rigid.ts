// Rigid transforms between frames (`RigidTransform`, p_to = R p_from + t, R row-major). Frame
// names live in variable names: `worldFromCam` maps camera-frame points into the world frame.
import type { Points, RigidTransform, Vec3 } from "./types.js";

export const IDENTITY: RigidTransform = { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] };

/** Builds a transform from the images of the source frame's axes (the rows of R are the target axes in source coordinates). */
export function transformFromAxes(xAxis: Vec3, yAxis: Vec3, zAxis: Vec3, translation: Vec3): RigidTransform {
  return { rotation: [xAxis[0], xAxis[1], xAxis[2], yAxis[0], yAxis[1], yAxis[2], zAxis[0], zAxis[1], zAxis[2]], translation };
}

export function applyToPoint(t: RigidTransform, p: Vec3): Vec3 {
  const r = t.rotation;
  return [
    r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t.translation[0],
    r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t.translation[1],
    r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t.translation[2],
  ];
}

/** Rotates a direction (no translation). */
export function applyToDirection(t: RigidTransform, d: Vec3): Vec3 {
  const r = t.rotation;
  return [r[0] * d[0] + r[1] * d[1] + r[2] * d[2], r[3] * d[0] + r[4] * d[1] + r[5] * d[2], r[6] * d[0] + r[7] * d[1] + r[8] * d[2]];
}

/** Transforms every point; writes into `out` (which may be `points` itself) and returns it. */
export function applyToPoints(t: RigidTransform, points: Points, out: Points = new Float32Array(points.length)): Points {
  if (out.length !== points.length) throw new RangeError(`out has ${out.length} values, expected ${points.length}`);
  const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = t.rotation;
  const [tx, ty, tz] = t.translation;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1], z = points[i + 2];
    out[i] = r0 * x + r1 * y + r2 * z + tx;
    out[i + 1] = r3 * x + r4 * y + r5 * z + ty;
    out[i + 2] = r6 * x + r7 * y + r8 * z + tz;
  }
  return out;
}

/** The inverse transform: R^T, -R^T t. */
export function invert(t: RigidTransform): RigidTransform {
  const r = t.rotation;
  const rt: RigidTransform["rotation"] = [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]];
  const [tx, ty, tz] = t.translation;
  return { rotation: rt, translation: [-(rt[0] * tx + rt[1] * ty + rt[2] * tz), -(rt[3] * tx + rt[4] * ty + rt[5] * tz), -(rt[6] * tx + rt[7] * ty + rt[8] * tz)] };
}

/** `a ∘ b`: first b, then a (aFromC = aFromB ∘ bFromC). */
export function compose(a: RigidTransform, b: RigidTransform): RigidTransform {
  const ra = a.rotation, rb = b.rotation;
  const rotation = new Array<number>(9) as RigidTransform["rotation"];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rotation[i * 3 + j] = ra[i * 3] * rb[j] + ra[i * 3 + 1] * rb[3 + j] + ra[i * 3 + 2] * rb[6 + j];
  return { rotation, translation: applyToPoint(a, b.translation) };
}
