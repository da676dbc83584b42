// The Spatial SDK: a typed client of the edge API.
export * from "./client.js";
