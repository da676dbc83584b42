// The 3D view with three.js, in the scene graph's world frame (DESIGN.md: z up, metres, origin on
// the support plane below the camera): each object's points (coloured by object), its upright 3D
// box, the support plane and the camera's frustum. Orbit / pan / zoom with OrbitControls; a click
// (not a drag) picks the box under the pointer. Renders on demand, not every frame.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { SceneGraph } from "@spatial/shared";
import { objectHex } from "./colors.js";

interface ObjectNode {
  index: number;
  fill: THREE.Mesh<THREE.BoxGeometry, THREE.MeshBasicMaterial>;
  edges: THREE.LineSegments<THREE.EdgesGeometry, THREE.LineBasicMaterial>;
  points?: THREE.Points<THREE.BufferGeometry, THREE.PointsMaterial>;
}

const BACKGROUND = 0x111827;

export class SceneRenderer {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(55, 1, 0.01, 200);
  private readonly controls: OrbitControls;
  private readonly content = new THREE.Group();
  private readonly nodes = new Map<string, ObjectNode>();
  /** Point clouds by object id; they may arrive before the graph (scene.pointcloud precedes scene.graph). */
  private readonly clouds = new Map<string, THREE.Points<THREE.BufferGeometry, THREE.PointsMaterial>>();
  private graph: SceneGraph | null = null;
  private selected: string | null = null;
  /** Objects an answer refers to: drawn like the selection, without dimming the others less. */
  private highlighted: ReadonlySet<string> = new Set();
  private frame = 0;
  private home = { position: new THREE.Vector3(0, -3, 2), target: new THREE.Vector3(0, 1, 0) };
  onPick: (id: string | null) => void = () => {};

  constructor(private readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the canvas can be read back (screenshots, tests) after a render.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.scene.background = new THREE.Color(BACKGROUND);
    this.scene.add(this.content);
    this.camera.up.set(0, 0, 1); // world z is up; OrbitControls orbits about camera.up
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener("change", () => this.requestRender());
    this.installPicking();
    this.resize();
    this.resetView();
  }

  /** Draws the graph's boxes, support plane and camera frustum (point clouds come with setPoints). */
  setGraph(graph: SceneGraph): void {
    this.graph = graph;
    for (const child of [...this.content.children]) this.content.remove(child);
    this.nodes.clear();
    graph.objects.forEach((o, index) => {
      if (o.pointCount === 0) return;
      const { center, widthM, lengthM, heightM, yawRad } = o.box;
      const geometry = new THREE.BoxGeometry(Math.max(widthM, 0.01), Math.max(lengthM, 0.01), Math.max(heightM, 0.01));
      const fill = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color: objectHex(index), transparent: true, opacity: 0.08, depthWrite: false }));
      const edges = new THREE.LineSegments(new THREE.EdgesGeometry(geometry), new THREE.LineBasicMaterial({ color: objectHex(index) }));
      for (const m of [fill, edges]) {
        m.position.set(center[0], center[1], center[2]);
        m.rotation.z = yawRad;
        m.userData.objectId = o.id;
        this.content.add(m);
      }
      const node: ObjectNode = { index, fill, edges };
      const points = this.clouds.get(o.id);
      if (points) node.points = points;
      this.nodes.set(o.id, node);
    });
    for (const points of this.clouds.values()) this.content.add(points);
    this.content.add(this.frustum(graph));
    if (graph.frame.canonicalized) this.content.add(this.supportPlane(graph));
    this.home = this.homeView(graph);
    this.resetView();
    this.applySelection();
  }

  /** An object's world-frame xyz points, coloured like its box. */
  setPoints(objectId: string, xyz: Float32Array): void {
    const node = this.nodes.get(objectId);
    // Before the graph, the id's number ("obj-3") is the object's index in the graph to come.
    const index = node?.index ?? (Number(objectId.split("-").at(-1)) || 0);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(xyz, 3));
    const points = new THREE.Points(geometry, new THREE.PointsMaterial({ color: objectHex(index), size: 0.015, sizeAttenuation: true, transparent: true }));
    points.userData.objectId = objectId;
    const old = this.clouds.get(objectId);
    if (old) this.content.remove(old);
    this.clouds.set(objectId, points);
    if (node) node.points = points;
    this.content.add(points);
    if (!this.graph) this.fitTo(xyz);
    this.applySelection();
  }

  /** How many points are drawn (0 until a cloud arrives). */
  get pointCount(): number {
    let n = 0;
    for (const p of this.clouds.values()) n += p.geometry.getAttribute("position").count;
    return n;
  }

  /** Before a graph gives the home view: look at the first cloud's centre from a distance that fits it. */
  private fitTo(xyz: Float32Array): void {
    if (this.clouds.size !== 1) return;
    const box = new THREE.Box3().setFromArray(xyz);
    const target = box.getCenter(new THREE.Vector3());
    const reach = Math.max(1.5, box.getSize(new THREE.Vector3()).length() * 2);
    this.home = { position: target.clone().add(new THREE.Vector3(0, -reach, reach * 0.6)), target };
    this.resetView();
  }

  /** Back to an empty scene (a new job). */
  clear(): void {
    for (const child of [...this.content.children]) this.content.remove(child);
    for (const points of this.clouds.values()) points.geometry.dispose();
    this.clouds.clear();
    this.nodes.clear();
    this.graph = null;
    this.selected = null;
    this.requestRender();
  }

  select(objectId: string | null, highlighted: ReadonlySet<string> = new Set()): void {
    this.selected = objectId;
    this.highlighted = highlighted;
    this.applySelection();
  }

  /** Objects drawn highlighted now (selected or an answer's), that this scene has boxes for. */
  get highlightedIds(): string[] {
    return [...this.nodes.keys()].filter((id) => id === this.selected || this.highlighted.has(id));
  }

  get selectedId(): string | null {
    return this.selected;
  }

  /** Where an object's 3D box centre lands on the canvas, in CSS pixels from its top left (null if unknown or behind the view). */
  screenPointOf(objectId: string): { x: number; y: number } | null {
    const node = this.nodes.get(objectId);
    if (!node) return null;
    const p = node.fill.position.clone().project(this.camera);
    if (p.z > 1 || Math.abs(p.x) > 1 || Math.abs(p.y) > 1) return null;
    return { x: ((p.x + 1) / 2) * this.canvas.clientWidth, y: ((1 - p.y) / 2) * this.canvas.clientHeight };
  }

  resetView(): void {
    this.camera.position.copy(this.home.position);
    this.controls.target.copy(this.home.target);
    this.controls.update();
    this.requestRender();
  }

  /** Turns the view about the target by `radians` (what a drag does); used by the keyboard buttons and tests. */
  rotate(radians: number): void {
    const offset = this.camera.position.clone().sub(this.controls.target).applyAxisAngle(new THREE.Vector3(0, 0, 1), radians);
    this.camera.position.copy(this.controls.target).add(offset);
    this.controls.update();
    this.requestRender();
  }

  resize(): void {
    const width = this.canvas.clientWidth || 640, height = this.canvas.clientHeight || 480;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** Renders now (synchronously): after it the canvas holds the current view. */
  renderNow(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.renderer.render(this.scene, this.camera);
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.controls.dispose();
    this.renderer.dispose();
  }

  private requestRender(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.renderNow());
  }

  private applySelection(): void {
    const focus = this.selected !== null || this.highlighted.size > 0;
    for (const [id, node] of this.nodes) {
      const on = id === this.selected || this.highlighted.has(id);
      const dim = focus && !on;
      node.edges.material.color.setHex(on ? 0xffffff : objectHex(node.index));
      node.edges.material.opacity = dim ? 0.25 : 1;
      node.edges.material.transparent = dim;
      node.fill.material.opacity = on ? 0.25 : 0.08;
      if (node.points) {
        node.points.material.opacity = dim ? 0.2 : 1;
        node.points.material.size = on ? 0.022 : 0.015;
      }
    }
    this.requestRender();
  }

  /** The camera as a frustum: its centre and the image corners unprojected at a depth that fits the scene. */
  private frustum(graph: SceneGraph): THREE.LineSegments {
    const { fx, fy, cx, cy } = graph.intrinsics;
    const { width, height } = graph.image;
    const R = graph.frame.worldFromCam.rotation, t = graph.frame.worldFromCam.translation;
    const toWorld = (p: [number, number, number]) => new THREE.Vector3(R[0] * p[0] + R[1] * p[1] + R[2] * p[2] + t[0], R[3] * p[0] + R[4] * p[1] + R[5] * p[2] + t[1], R[6] * p[0] + R[7] * p[1] + R[8] * p[2] + t[2]);
    const d = 0.4;
    const corners = [[0, 0], [width, 0], [width, height], [0, height]].map(([u, v]) => toWorld([((u - cx) / fx) * d, ((v - cy) / fy) * d, d]));
    const origin = toWorld([0, 0, 0]);
    const segments: THREE.Vector3[] = [];
    corners.forEach((c, i) => segments.push(origin, c, c, corners[(i + 1) % 4]));
    const lines = new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints(segments), new THREE.LineBasicMaterial({ color: 0xe5e7eb }));
    lines.name = "camera-frustum";
    return lines;
  }

  /** The support plane (world z = 0) as a grid under the objects and the camera. */
  private supportPlane(graph: SceneGraph): THREE.Object3D {
    const xs = [graph.frame.worldFromCam.translation[0]], ys = [graph.frame.worldFromCam.translation[1]];
    for (const o of graph.objects) if (o.pointCount > 0) xs.push(o.box.center[0]), ys.push(o.box.center[1]);
    const size = Math.ceil(Math.max(2, Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) + 2);
    const grid = new THREE.GridHelper(size, size * 2, 0x4b5563, 0x374151);
    grid.rotation.x = Math.PI / 2; // GridHelper lies in xz; the world's ground is xy
    grid.position.set((Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2, 0);
    grid.name = "support-plane";
    return grid;
  }

  /** Looking from behind and above the real camera towards the objects' centre. */
  private homeView(graph: SceneGraph): { position: THREE.Vector3; target: THREE.Vector3 } {
    const located = graph.objects.filter((o) => o.pointCount > 0);
    const target = new THREE.Vector3();
    for (const o of located) target.add(new THREE.Vector3(...o.box.center));
    if (located.length) target.divideScalar(located.length);
    const R = graph.frame.worldFromCam.rotation;
    const cam = new THREE.Vector3(...graph.frame.worldFromCam.translation);
    const forward = new THREE.Vector3(R[2], R[5], R[8]).normalize();
    const reach = Math.max(1.5, cam.distanceTo(target));
    const position = cam.clone().addScaledVector(forward, -0.6 * reach).add(new THREE.Vector3(0, 0, 0.6 * reach));
    return { position, target: located.length ? target : cam.clone().addScaledVector(forward, 2) };
  }

  private installPicking(): void {
    let down: { x: number; y: number } | null = null;
    this.canvas.addEventListener("pointerdown", (e) => (down = { x: e.clientX, y: e.clientY }));
    this.canvas.addEventListener("pointerup", (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return; // a drag, not a click
      const rect = this.canvas.getBoundingClientRect();
      const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
      const ray = new THREE.Raycaster();
      ray.setFromCamera(ndc, this.camera);
      const hit = ray.intersectObjects([...this.nodes.values()].map((n) => n.fill), false)[0];
      this.onPick((hit?.object.userData.objectId as string | undefined) ?? null);
    });
  }
}
