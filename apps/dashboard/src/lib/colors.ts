// Colours shared by every view, so one object has one colour in the image, the masks, the 3D view
// and the tables; and the depth colour map (turbo, perceptually ordered near → far).

/** Distinct colours for objects by their index in the scene graph (Tableau 10). */
export const PALETTE: readonly [number, number, number][] = [
  [78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
];

export const objectRgb = (index: number): [number, number, number] => PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
export const objectCss = (index: number, alpha = 1) => `rgba(${objectRgb(index).join(",")},${alpha})`;
export const objectHex = (index: number) => objectRgb(index).reduce((n, c) => n * 256 + c, 0);

/** Turbo colour map (Google, 2019), polynomial approximation; t in [0, 1] → RGB 0–255. */
export function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const to8 = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [to8(r), to8(g), to8(b)];
}
