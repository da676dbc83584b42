// Question and answer templates of every family and form, in our own words (slot scheme: words.ts).
export * from "./words.js";
export * from "./qualitative.js";
export * from "./quantitative.js";
