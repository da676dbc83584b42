#!/usr/bin/env python3
"""Reference timings for bench/geometry.ts: Open3D 0.16 geometry ops on the bench's own points.

Reads little-endian float32 xyz files written by the TypeScript side, so both sides time the same
points; prints one JSON object (timings in ms: median of --runs after one warm-up, wall-clock as
"ms" and this process's CPU time as "cpuMs") on stdout and
writes Open3D's index results as binary next to it (--out-dir) for overlap checks.
Run with Debian's /usr/bin/python3 (python3-open3d) and OMP_NUM_THREADS=1 for single-threaded numbers.
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import open3d as o3d  # noqa: E402


def load_cloud(path):
    xyz = np.fromfile(path, dtype="<f4")
    if xyz.size % 3:
        sys.exit(f"{path}: {xyz.size} floats is not a whole number of xyz points")
    cloud = o3d.geometry.PointCloud()
    cloud.points = o3d.utility.Vector3dVector(xyz.reshape(-1, 3).astype(np.float64))
    return cloud


def timed(fn, runs):
    """(median wall-clock ms, median CPU ms, of `runs` calls after one warm-up; result of the last call)."""
    result = fn()
    wall, cpu = [], []
    for _ in range(runs):
        start_cpu = time.process_time()
        start = time.perf_counter()
        result = fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", required=True, help="float32 xyz file: the full cloud")
    parser.add_argument("--voxel-points", help="float32 xyz file: the voxel cloud for SOR and DBSCAN (default: Open3D's own)")
    parser.add_argument("--out-dir", help="where to write Open3D's kept indices, plane inliers and labels")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow-runs", type=int, default=3, help="runs for the slow ops (SOR on all points, plane)")
    parser.add_argument("--voxel", type=float, default=0.02)
    parser.add_argument("--sor-neighbours", type=int, default=20)
    parser.add_argument("--sor-std", type=float, default=2.0)
    parser.add_argument("--plane-distance", type=float, default=0.02)
    parser.add_argument("--plane-iterations", type=int, default=1000)
    parser.add_argument("--dbscan-eps", type=float, default=0.05)
    parser.add_argument("--dbscan-min-points", type=int, default=10)
    args = parser.parse_args()

    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)
    o3d.utility.random.seed(0)
    cloud = load_cloud(args.points)
    report = {"open3d": o3d.__version__, "threads": os.environ.get("OMP_NUM_THREADS"), "points": len(cloud.points), "ops": {}}
    ops = report["ops"]

    ms, cpu, voxel_cloud = timed(lambda: cloud.voxel_down_sample(args.voxel), args.runs)
    ops["voxel"] = {"ms": ms, "cpuMs": cpu, "count": len(voxel_cloud.points)}
    if args.voxel_points:
        voxel_cloud = load_cloud(args.voxel_points)
    report["voxelInputPoints"] = len(voxel_cloud.points)

    ms, cpu, (_, kept_all) = timed(lambda: cloud.remove_statistical_outlier(args.sor_neighbours, args.sor_std), args.slow_runs)
    ops["sorAll"] = {"ms": ms, "cpuMs": cpu, "kept": len(kept_all)}
    ms, cpu, (_, kept_voxel) = timed(lambda: voxel_cloud.remove_statistical_outlier(args.sor_neighbours, args.sor_std), args.runs)
    ops["sorVoxel"] = {"ms": ms, "cpuMs": cpu, "kept": len(kept_voxel)}

    ms, cpu, (plane, inliers) = timed(lambda: cloud.segment_plane(args.plane_distance, 3, args.plane_iterations), args.slow_runs)
    a, b, c, d = (float(x) for x in plane)
    norm = (a * a + b * b + c * c) ** 0.5
    ops["plane"] = {"ms": ms, "cpuMs": cpu, "normal": [a / norm, b / norm, c / norm], "offset": d / norm, "inliers": len(inliers)}

    ms, cpu, labels = timed(lambda: np.asarray(voxel_cloud.cluster_dbscan(args.dbscan_eps, args.dbscan_min_points, print_progress=False)), args.runs)
    ops["dbscan"] = {"ms": ms, "cpuMs": cpu, "clusters": int(labels.max()) + 1 if labels.size else 0, "noise": int((labels < 0).sum())}

    if args.out_dir:
        np.asarray(kept_all, dtype="<u4").tofile(os.path.join(args.out_dir, "open3d_sor_all.u32"))
        np.asarray(kept_voxel, dtype="<u4").tofile(os.path.join(args.out_dir, "open3d_sor_voxel.u32"))
        np.asarray(inliers, dtype="<u4").tofile(os.path.join(args.out_dir, "open3d_plane_inliers.u32"))
        labels.astype("<i4").tofile(os.path.join(args.out_dir, "open3d_dbscan_labels.i32"))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
